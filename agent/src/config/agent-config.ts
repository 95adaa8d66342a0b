import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { z } from 'zod';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
/** a device service on this terminal: never anything off the box */
const loopbackUrl = z
  .string()
  .url()
  .regex(/^http:\/\/(127\.0\.0\.1|localhost)[:/]/, 'must be a loopback http:// URL');
const boolish = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((v) => v === true || v === 'true' || v === '1' || v === 'yes');

/** Every agent setting, its default, and (by name) its env variable `YUNZHUO_AGENT_<UPPER_SNAKE>` and flag `--<kebab-case>`. */
export const agentConfigSchema = z
  .object({
    brokerUrl: z
      .string()
      .url()
      .regex(/^https?:\/\//, 'must start with http:// or https://'),
    /** needed for the first run only; the identity it buys is kept in `stateDir` */
    joinToken: z.string().min(8).optional(),
    name: z.string().min(1).max(200).default(hostname()),
    stateDir: z.string().min(1).default('/var/lib/yunzhuo-agent'),
    /** overrides /etc/machine-id and the MAC address (tests, cloned images) */
    hardwareId: z.string().min(1).max(200).optional(),
    heartbeatMs: int(100, 300_000).default(10_000),
    heartbeatJitter: z.coerce.number().min(0).max(0.5).default(0.1),
    backoffInitialMs: int(10, 60_000).default(1000),
    backoffMaxMs: int(100, 600_000).default(30_000),
    /** `linux` acts on the box; `recording` only writes each action to `recordFile` (tests) */
    os: z.enum(['linux', 'recording']).default('linux'),
    recordFile: z.string().min(1).optional(),
    kioskEnabled: boolish.default(true),
    kioskCommand: z.string().min(1).default('chromium'),
    /** run the browser as this user (runuser as root, sudo as the package's yunzhuo-agent user) */
    kioskUser: z.string().min(1).optional(),
    display: z.string().min(1).default(':0'),
    kioskPath: z
      .string()
      .regex(/^\/[A-Za-z0-9/_.-]{0,200}$/)
      .default('/terminal'),
    logLevel: z.enum(['error', 'warn', 'info', 'debug', 'silent']).default('info'),
    /** serve the window's devices to the window page (docs/DEVICES.md) */
    devicesEnabled: boolish.default(false),
    /** the ID card reader vendor's local service on this terminal (ZKIDROnline) */
    idcardServiceUrl: loopbackUrl.default('http://127.0.0.1:24010/ZKIDROnline'),
    /** the document camera: a V4L2 device, or `lavfi:<source>` (tests: `lavfi:testsrc=size={width}x{height}:rate=1`) */
    cameraDevice: z
      .string()
      .regex(/^(\/dev\/[A-Za-z0-9_/-]+|lavfi:[A-Za-z0-9_=:{}x.,-]+)$/)
      .default('/dev/video0'),
    /** the CUPS server the window's printer queue is on, `host:port` (default: the terminal's own, docs/PAPER.md) */
    cupsServer: z
      .string()
      .regex(/^[A-Za-z0-9.[\]:-]+:\d{1,5}$/, 'host:port')
      .optional(),
    /** the signature pad's service on this terminal (Yunzhuo's pad service API); unset: no signature pad */
    signaturePadUrl: loopbackUrl.optional(),
    /** the rating pad's service on this terminal (Yunzhuo's pad service API); unset: no rating pad */
    ratingPadUrl: loopbackUrl.optional(),
    /** the folder the counter's scanner saves into; its newest file can be sent into the desktop's drive 窗口材料 (docs/PAPER.md) */
    scannerDir: z
      .string()
      .regex(/^\/[^\0]{0,500}$/, 'an absolute path')
      .optional(),
    /** what the night power-off runs (issue 17), split on spaces, no shell */
    powerOffCommand: z.string().trim().min(1).max(300).default('systemctl poweroff'),
  })
  .strict()
  .refine((c) => c.os !== 'recording' || c.recordFile, { message: 'os=recording needs recordFile', path: ['recordFile'] })
  .refine((c) => c.backoffMaxMs >= c.backoffInitialMs, { message: 'must be at least backoffInitialMs', path: ['backoffMaxMs'] });

export type AgentConfig = z.infer<typeof agentConfigSchema>;
type Key = keyof z.input<typeof agentConfigSchema>;
const KEYS: Key[] = [
  'brokerUrl',
  'joinToken',
  'name',
  'stateDir',
  'hardwareId',
  'heartbeatMs',
  'heartbeatJitter',
  'backoffInitialMs',
  'backoffMaxMs',
  'os',
  'recordFile',
  'kioskEnabled',
  'kioskCommand',
  'kioskUser',
  'display',
  'kioskPath',
  'logLevel',
  'devicesEnabled',
  'idcardServiceUrl',
  'cameraDevice',
  'cupsServer',
  'signaturePadUrl',
  'ratingPadUrl',
  'scannerDir',
  'powerOffCommand',
];
const envName = (key: string) => `YUNZHUO_AGENT_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
const flagName = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const CONFIG_ENV = 'YUNZHUO_AGENT_CONFIG';
/** the short names the package's /etc/yunzhuo/agent.env documents; the YUNZHUO_AGENT_ form wins */
const ENV_ALIASES: Record<string, Key> = { YUNZHUO_JOIN_TOKEN: 'joinToken', YUNZHUO_BROKER_URL: 'brokerUrl' };

export class AgentConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`云桌终端代理配置有误 / invalid agent configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

export const USAGE = `usage: yunzhuo-agent [--config file.json] --broker-url https://broker [--join-token yzj_…] [options]
options (each also as env YUNZHUO_AGENT_<NAME> or a key of the JSON file; flags win over env, env over the file):
${KEYS.map((k) => `  --${flagName(k)}`).join('\n')}`;

/** JSON file (`--config` / YUNZHUO_AGENT_CONFIG) < env < flags; every problem is reported at once. */
export function loadAgentConfig(argv: string[], env: NodeJS.ProcessEnv): AgentConfig {
  const problems: string[] = [];
  const options = Object.fromEntries([...KEYS.map((k) => [flagName(k), { type: 'string' as const }]), ['config', { type: 'string' as const }]]);
  let flags: Record<string, string | boolean | undefined> = {};
  try {
    flags = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as Record<string, string | undefined>;
  } catch (err) {
    problems.push((err as Error).message);
  }
  let fromFile: Record<string, unknown> = {};
  const file = typeof flags.config === 'string' ? flags.config : env[CONFIG_ENV];
  if (file) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) fromFile = { ...parsed };
      else problems.push(`${file}: must hold a JSON object`);
    } catch (err) {
      problems.push(`${file}: ${(err as Error).message}`);
    }
  }
  const fromEnv: Record<string, string> = {};
  for (const [name, key] of Object.entries(ENV_ALIASES)) {
    const value = env[name];
    if (value) fromEnv[key] = value;
  }
  const known = new Map(KEYS.map((k) => [envName(k), k]));
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('YUNZHUO_AGENT_') || name === CONFIG_ENV || value === undefined) continue;
    const key = known.get(name);
    if (key) fromEnv[key] = value;
    else problems.push(`${name}: unknown setting`);
  }
  const fromFlags: Record<string, unknown> = {};
  for (const key of KEYS) {
    const value = flags[flagName(key)];
    if (typeof value === 'string') fromFlags[key] = value;
  }
  const result = agentConfigSchema.safeParse({ ...fromFile, ...fromEnv, ...fromFlags });
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = String(issue.path[0] ?? '');
      problems.push(`${key ? `--${flagName(key)} / ${envName(key)}` : '(config)'}: ${issue.message}`);
    }
  }
  if (problems.length > 0 || !result.success) throw new AgentConfigError(problems);
  return result.data;
}
