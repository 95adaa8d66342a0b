import { ApiClient } from './api-client.js';

let seq = 0;
const next = () => `${Date.now().toString(36)}${(seq++).toString(36)}`;

/** Builders over the real admin API: every test row goes through validation like a user's would. */
export class Factory {
  constructor(readonly admin: ApiClient) {}

  site(overrides: Record<string, unknown> = {}) {
    return this.admin.create('/api/v1/sites', { code: `S${next()}`, name: '县便民服务中心', kind: 'county', ...overrides });
  }
  department(overrides: Record<string, unknown> = {}) {
    return this.admin.create('/api/v1/departments', { code: `D${next()}`, name: '税务', ...overrides });
  }
  window(siteId: string, overrides: Record<string, unknown> = {}) {
    return this.admin.create('/api/v1/windows', { siteId, code: `A-${next()}`, ...overrides });
  }
  /** returns the terminal plus its one-time credential */
  terminal(siteId: string, windowId: string | null, overrides: Record<string, unknown> = {}) {
    return this.admin.create('/api/v1/terminals', { siteId, windowId, name: `终端-${next()}`, ...overrides });
  }
  gateway(overrides: Record<string, unknown> = {}) {
    return this.admin.create('/api/v1/gateways', { name: `guacd-${next()}`, host: '127.0.0.1', port: 4822, ...overrides });
  }
  pool(departmentId: string, siteId: string, gatewayIds: string[], overrides: Record<string, unknown> = {}) {
    return this.admin.create('/api/v1/pools', { name: `池-${next()}`, departmentId, siteId, gatewayIds, ...overrides });
  }
  desktop(poolId: string, overrides: Record<string, unknown> = {}) {
    return this.admin.create('/api/v1/desktops', {
      poolId,
      name: `桌面-${next()}`,
      host: '127.0.0.1',
      port: 3389,
      rdpUsername: 'desk',
      rdpPassword: 'Desk-secret-1!',
      ...overrides,
    });
  }
  account(overrides: Record<string, unknown> = {}) {
    return this.admin.create('/api/v1/accounts', {
      username: `clerk${next()}`,
      displayName: '窗口人员',
      password: 'clerk-pass-1',
      roles: ['clerk'],
      ...overrides,
    });
  }

  /** A county hall with one department, one gateway, one floating pool of `desktops` desktops. */
  async hall(opts: { desktops?: number; poolOverrides?: Record<string, unknown> } = {}) {
    const site = await this.site();
    const department = await this.department();
    const gateway = await this.gateway({ siteId: site.id });
    const pool = await this.pool(department.id, site.id, [gateway.id], opts.poolOverrides);
    const desktops = [];
    for (let i = 0; i < (opts.desktops ?? 2); i++) desktops.push(await this.desktop(pool.id));
    return { site, department, gateway, pool, desktops };
  }

  /** A window with a terminal, and an ApiClient that speaks as that terminal. */
  async windowWithTerminal(siteId: string, overrides: Record<string, unknown> = {}) {
    const window = await this.window(siteId, overrides);
    const terminal = await this.terminal(siteId, window.id);
    return { window, terminal, client: ApiClient.forTerminal(this.admin.baseUrl, terminal.credential) };
  }
}
