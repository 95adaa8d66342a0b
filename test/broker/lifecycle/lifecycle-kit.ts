// Shared by the lifecycle tests: a hall with an SSH host, a pool action, clerks at windows.
import { QueryTypes } from 'sequelize';
import type { AnyBody, ApiClient } from '../../helpers/api-client.js';
import { Factory } from '../../helpers/factories.js';
import type { TestBroker } from '../../helpers/start-broker.js';

export const PASS = 'clerk-pass-1';

export function login(client: ApiClient, username: string) {
  return client.post('/api/v1/terminal/sessions', { username, password: PASS });
}

export async function desktopRow(broker: TestBroker, id: string) {
  return (await broker.admin.get(`/api/v1/desktops/${id}`)).body;
}

export async function sessionRow(broker: TestBroker, id: string) {
  return (await broker.admin.get(`/api/v1/sessions/${id}`)).body;
}

export async function auditOf(broker: TestBroker, action: string, targetId: string): Promise<AnyBody[]> {
  return (await broker.admin.get(`/api/v1/audit-events?action=${action}&targetId=${targetId}&pageSize=100`)).body.items;
}

/** Raw SQL for the states no API can produce (a lost write, a crash mid-action). */
export async function sql(broker: TestBroker, query: string, replacements: Record<string, unknown> = {}): Promise<void> {
  await broker.sequelize.query(query, { replacements, type: QueryTypes.UPDATE });
}

/** A hall with `desktops` named desktops, one clerk per call to `clerk()`, each at its own window. */
export async function lifecycleHall(broker: TestBroker, opts: { desktops?: string[]; poolOverrides?: Record<string, unknown> } = {}) {
  const f = new Factory(broker.admin);
  const hall = await f.hall({ desktops: 0, ...(opts.poolOverrides ? { poolOverrides: opts.poolOverrides } : {}) });
  const desktops = [];
  for (const name of opts.desktops ?? ['desk-1']) desktops.push(await f.desktop(hall.pool.id, { name }));
  return {
    ...hall,
    desktops,
    f,
    async clerk() {
      const account = await f.account({ departmentIds: [hall.department.id] });
      const station = await f.windowWithTerminal(hall.site.id);
      return { account, ...station, login: () => login(station.client, account.username) };
    },
  };
}
