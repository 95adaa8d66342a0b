import { randomUUID } from 'node:crypto';
import type { Sequelize } from 'sequelize';
import { Account, AccountDepartment } from '../../broker/src/accounts/account.model.js';
import { Department } from '../../broker/src/departments/department.model.js';
import { Desktop } from '../../broker/src/desktops/desktop.model.js';
import { Gateway } from '../../broker/src/gateways/gateway.model.js';
import { hashPassword } from '../../broker/src/lib/passwords.js';
import type { SecretBox } from '../../broker/src/lib/secret-box.js';
import { randomToken, sha256 } from '../../broker/src/lib/tokens.js';
import { Pool, PoolGateway } from '../../broker/src/pools/pool.model.js';
import { Site } from '../../broker/src/sites/site.model.js';
import { Terminal } from '../../broker/src/terminals/terminal.model.js';
import { HallWindow } from '../../broker/src/windows/window.model.js';
import { poolSettingsSchema } from '../../protocol/src/api/common.js';

export const SEED_PASSWORD = 'clerk-pass-1';

export interface SeededHall {
  siteId: string;
  poolId: string;
  desktopIds: string[];
  usernames: string[];
  /** terminal credentials, one per window */
  terminals: string[];
}

/**
 * Seeds a hall straight through the models, for load and race tests where 500 API calls
 * (each hashing a password) would be the slow part. One hash serves every clerk.
 */
export async function seedHall(
  sequelize: Sequelize,
  secrets: SecretBox,
  opts: { clerks: number; desktops: number; windows: number; prefix?: string },
): Promise<SeededHall> {
  const prefix = opts.prefix ?? randomUUID().slice(0, 6);
  const now = new Date();
  const siteId = randomUUID();
  await Site.create({ id: siteId, parentId: null, path: `/${siteId}/`, code: `S${prefix}`, name: '县便民服务中心', kind: 'county', address: null });
  const department = await Department.create({ code: `D${prefix}`, name: '税务', siteId: null });
  const gateway = await Gateway.create({ name: 'guacd', siteId, host: '127.0.0.1', port: 4822, lastCheckedAt: null });
  const pool = await Pool.create({
    name: '税务桌面池',
    departmentId: department.id,
    siteId,
    kind: 'floating',
    settings: poolSettingsSchema.parse({}),
    maxSessions: null,
  });
  await PoolGateway.create({ poolId: pool.id, gatewayId: gateway.id, priority: 0 });
  const sealed = secrets.encrypt('Desk-secret-1!');
  const desktops = Array.from({ length: opts.desktops }, (_, i) => ({
    id: randomUUID(),
    poolId: pool.id,
    siteId,
    name: `desk-${i}`,
    host: '127.0.0.1',
    port: 3389,
    rdpUsername: `desk${i}`,
    rdpPasswordEnc: sealed,
    ownerAccountId: null,
    sessionId: null,
    stateReason: null,
    stateChangedAt: now,
    lastReleasedAt: null,
    lastCheckedAt: null,
  }));
  for (let i = 0; i < desktops.length; i += 500) await Desktop.bulkCreate(desktops.slice(i, i + 500));
  const passwordHash = await hashPassword(SEED_PASSWORD);
  const accounts = Array.from({ length: opts.clerks }, (_, i) => ({
    id: randomUUID(),
    username: `c${prefix}${i}`,
    displayName: `窗口人员${i}`,
    passwordHash,
    homeSiteId: siteId,
    roles: ['clerk' as const],
    lastLoginAt: null,
  }));
  for (let i = 0; i < accounts.length; i += 500) {
    await Account.bulkCreate(accounts.slice(i, i + 500));
    await AccountDepartment.bulkCreate(accounts.slice(i, i + 500).map((a) => ({ accountId: a.id, departmentId: department.id })));
  }
  const terminals: string[] = [];
  for (let w = 0; w < opts.windows; w++) {
    const window = await HallWindow.create({
      siteId,
      code: `A-${String(w + 1).padStart(3, '0')}`,
      label: null,
      departmentId: department.id,
      area: 'A',
      posX: w % 25,
      posY: Math.floor(w / 25),
    });
    const secret = randomToken();
    const terminal = await Terminal.create({
      siteId,
      windowId: window.id,
      name: `T-${w + 1}`,
      hardwareId: null,
      lastSeenAt: null,
      agentVersion: null,
      address: null,
      secretHash: sha256(secret),
      info: null,
    });
    terminals.push(`${terminal.id}.${secret}`);
  }
  return { siteId, poolId: pool.id, desktopIds: desktops.map((d) => d.id), usernames: accounts.map((a) => a.username), terminals };
}
