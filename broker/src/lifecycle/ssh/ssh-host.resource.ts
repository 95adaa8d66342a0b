import type { z } from 'zod';
import { sshHostCreate, sshHostOut, sshHostQuery, sshHostUpdate } from '@yunzhuo/protocol/api/lifecycle';
import type { ResourceDef } from '../../http/crud.js';
import { requireWritableSite } from '../../auth/references.js';
import type { SecretBox } from '../../lib/secret-box.js';
import type { KnownHosts } from './known-hosts.js';
import { presentSshHost } from '../lifecycle.presenters.js';
import { SshHost, SshKnownHost } from './ssh-host.model.js';

type Create = z.output<typeof sshHostCreate>;
type Update = z.output<typeof sshHostUpdate>;

/** SSH credentials for pool actions: the private key is sealed with the SecretBox and never shown again. */
export function sshHostResource(secrets: SecretBox, knownHosts: KnownHosts): ResourceDef<SshHost, Create, Update> {
  return {
    path: 'ssh-hosts',
    type: 'ssh-host',
    model: SshHost,
    schemas: { create: sshHostCreate, update: sshHostUpdate, query: sshHostQuery, out: sshHostOut },
    scopeColumn: 'siteId',
    siteOf: (h) => h.siteId,
    async targetSite(actor, input, existing, t) {
      const siteId = input.siteId !== undefined ? input.siteId : (existing?.siteId ?? null);
      if (siteId) await requireWritableSite(actor, siteId, 'siteId', 'ssh-host', t);
      return siteId;
    },
    filters: (q) => (q.siteId ? { siteId: q.siteId } : {}),
    searchColumns: ['name', 'host'],
    present: presentSshHost,
    async create(actor, input, transaction) {
      const { privateKey, hostKeyFingerprint, ...rest } = input;
      const row = await SshHost.create({ ...rest, privateKeyEnc: secrets.encrypt(privateKey) }, { transaction });
      if (hostKeyFingerprint) await knownHosts.set(actor, row.host, row.port, hostKeyFingerprint, transaction);
      return row;
    },
    async update(actor, row, input, transaction) {
      const { privateKey, hostKeyFingerprint, ...rest } = input;
      const updated = await row.update({ ...rest, ...(privateKey ? { privateKeyEnc: secrets.encrypt(privateKey) } : {}) }, { transaction });
      if (hostKeyFingerprint) await knownHosts.set(actor, updated.host, updated.port, hostKeyFingerprint, transaction);
      if (hostKeyFingerprint === null) {
        // an explicit null forgets the pin: the next connection pins what it sees (a re-installed host)
        const pin = await SshKnownHost.findOne({ where: { host: updated.host, port: updated.port }, transaction });
        if (pin) await knownHosts.forget(actor, pin, transaction);
      }
      return updated;
    },
  };
}
