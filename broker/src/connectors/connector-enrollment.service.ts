import { timingSafeEqual } from 'node:crypto';
import type { ConnectorEnrollRequest, ConnectorEnrollResponse } from '@yunzhuo/protocol/connector/index';
import { agentActor } from '../agents/agent-actor.js';
import type { Actor } from '../auth/actor.js';
import { assertCanWriteAnything } from '../auth/policy.js';
import { findVisible } from '../auth/row-access.js';
import type { AuditService } from '../audit/audit.service.js';
import { writeTransaction } from '../db/write-transaction.js';
import type { JoinTokenService } from '../join-tokens/join-token.service.js';
import { AppError, isAppError } from '../lib/app-error.js';
import type { Clock } from '../lib/clock.js';
import type { LiveEvents } from '../lib/live-events.js';
import { randomToken, sha256 } from '../lib/tokens.js';
import { Connector } from './connector.model.js';
import { presentConnector } from './connector.presenter.js';

const visibility = { model: Connector, type: 'connector', siteOf: (c: Connector) => c.siteId };

/** `Authorization: Connector <connector id>.<secret>` → the row, or CONNECTOR_UNKNOWN / CONNECTOR_REVOKED. */
export async function verifyConnectorCredential(credential: string | undefined): Promise<Connector> {
  const [id, secret] = (credential ?? '').split('.');
  if (!id || !secret || !/^[0-9a-f-]{36}$/i.test(id)) throw new AppError('CONNECTOR_UNKNOWN');
  const row = await Connector.findByPk(id.toLowerCase());
  const expected = Buffer.from(row?.secretHash ?? '0'.repeat(64), 'hex');
  const given = Buffer.from(sha256(secret), 'hex');
  if (row?.state === 'revoked') throw new AppError('CONNECTOR_REVOKED');
  if (!row || !row.secretHash || expected.length !== given.length || !timingSafeEqual(expected, given)) throw new AppError('CONNECTOR_UNKNOWN');
  return row;
}

/**
 * A town connector trades a site's join token for its identity (the terminal agent's pattern:
 * the token's use is taken atomically, given back if the row cannot be saved); an admin revokes
 * it, and `onRevoked` cuts its links on every broker process.
 */
export class ConnectorEnrollment {
  constructor(
    private readonly deps: { joinTokens: JoinTokenService; audit: AuditService; events: LiveEvents; clock: Clock; onRevoked(connectorId: string): void },
  ) {}

  async enroll(request: ConnectorEnrollRequest, address: string | null): Promise<ConnectorEnrollResponse> {
    try {
      const token = await this.deps.joinTokens.consume(request.joinToken);
      const secret = randomToken();
      const connector = Connector.build({
        siteId: token.siteId,
        name: request.name,
        secretHash: sha256(secret),
        state: 'active',
        connectorVersion: request.connectorVersion ?? null,
        address,
        joinTokenId: token.id,
        lastSeenAt: null,
        rttMs: null,
        throughputUpBps: null,
        throughputDownBps: null,
        revokedAt: null,
      });
      try {
        await connector.save();
      } catch (err) {
        await this.deps.joinTokens.release(token.id);
        throw err;
      }
      await this.deps.audit.record(agentActor(address), {
        action: 'connector.enroll',
        targetType: 'connector',
        targetId: connector.id,
        siteId: connector.siteId,
        after: presentConnector(connector),
        details: { joinTokenId: token.id },
      });
      this.#changed(connector, 'create');
      return { connectorId: connector.id, siteId: connector.siteId, credential: `${connector.id}.${secret}` };
    } catch (err) {
      if (!isAppError(err) || !err.code.startsWith('JOIN_TOKEN_')) throw err;
      await this.deps.audit.record(agentActor(address), {
        action: 'connector.enroll.refused',
        targetType: 'join-token',
        targetId: typeof err.details.joinTokenId === 'string' ? err.details.joinTokenId : null,
        siteId: typeof err.details.siteId === 'string' ? err.details.siteId : null,
        details: { code: err.code, name: request.name, address },
      });
      throw new AppError(err.code);
    }
  }

  /** Revokes for good (the hash is erased); every broker process cuts the connector's links at once. */
  async revoke(actor: Actor, connectorId: string): Promise<Connector> {
    assertCanWriteAnything(actor);
    const connector = await writeTransaction(Connector.sequelize!, async (transaction) => {
      const row = await findVisible(visibility, actor, connectorId, 'write', transaction);
      const before = presentConnector(row);
      await row.update({ state: 'revoked', secretHash: null, revokedAt: new Date(this.deps.clock.now()), streams: 0 }, { transaction });
      await this.deps.audit.record(
        actor,
        { action: 'connector.revoke', targetType: 'connector', targetId: row.id, siteId: row.siteId, before, after: presentConnector(row) },
        transaction,
      );
      return row;
    });
    this.deps.onRevoked(connector.id);
    this.#changed(connector, 'update');
    return connector;
  }

  #changed(c: Connector, action: 'create' | 'update'): void {
    this.deps.events.publish('resource.changed', { resource: 'connectors', id: c.id, action, siteId: c.siteId });
  }
}
