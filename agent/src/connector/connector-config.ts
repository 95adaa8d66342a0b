import { hostname } from 'node:os';
import { z } from 'zod';

const intMs = (min: number, fallback: number) => z.coerce.number().int().min(min).max(600_000).default(fallback);

/** The connector's settings: env `YUNZHUO_CONNECTOR_*` (docs/TOWNS.md). A bad one prints every problem and exits. */
export const connectorConfigSchema = z
  .object({
    /** the county broker it first reaches; the others are learned from it */
    brokerUrl: z.string().regex(/^(https?|wss?):\/\/\S+$/, 'must be an http(s) or ws(s) URL'),
    /** needed only for the first start, until the credential is saved in stateDir */
    joinToken: z.string().min(8).optional(),
    name: z.string().min(1).max(200).default(hostname()),
    stateDir: z.string().min(1).default('./data/connector'),
    /**
     * the town's own allowlist (comma-separated CIDRs, addresses or host names, `:port` optional):
     * a desktop outside it is refused even when a broker asks. Required: no default reach.
     */
    allow: z
      .string()
      .min(1, 'list the town networks desktops may be reached on, e.g. 10.8.0.0/16:3389')
      .transform((s) =>
        s
          .split(',')
          .map((r) => r.trim())
          .filter(Boolean),
      ),
    logLevel: z.enum(['error', 'warn', 'info', 'debug', 'silent']).default('info'),
    pingMs: intMs(100, 10_000),
    statsMs: intMs(100, 5_000),
    dialTimeoutMs: intMs(100, 10_000),
    backoffInitialMs: intMs(10, 1_000),
    backoffMaxMs: intMs(100, 30_000),
    maxStreams: z.coerce.number().int().min(1).max(10_000).default(512),
    windowBytes: z.coerce
      .number()
      .int()
      .min(16 * 1024)
      .max(16 * 1024 * 1024)
      .default(256 * 1024),
  })
  .strict();
export type ConnectorConfig = z.infer<typeof connectorConfigSchema>;

const ENV: Record<string, keyof z.input<typeof connectorConfigSchema>> = {
  YUNZHUO_CONNECTOR_BROKER_URL: 'brokerUrl',
  YUNZHUO_CONNECTOR_JOIN_TOKEN: 'joinToken',
  YUNZHUO_CONNECTOR_NAME: 'name',
  YUNZHUO_CONNECTOR_STATE_DIR: 'stateDir',
  YUNZHUO_CONNECTOR_ALLOW: 'allow',
  YUNZHUO_CONNECTOR_LOG_LEVEL: 'logLevel',
  YUNZHUO_CONNECTOR_PING_MS: 'pingMs',
  YUNZHUO_CONNECTOR_STATS_MS: 'statsMs',
  YUNZHUO_CONNECTOR_DIAL_TIMEOUT_MS: 'dialTimeoutMs',
  YUNZHUO_CONNECTOR_BACKOFF_INITIAL_MS: 'backoffInitialMs',
  YUNZHUO_CONNECTOR_BACKOFF_MAX_MS: 'backoffMaxMs',
  YUNZHUO_CONNECTOR_MAX_STREAMS: 'maxStreams',
  YUNZHUO_CONNECTOR_WINDOW_BYTES: 'windowBytes',
};

export function loadConnectorConfig(env: NodeJS.ProcessEnv): { ok: true; config: ConnectorConfig } | { ok: false; problems: string[] } {
  const raw = Object.fromEntries(Object.entries(ENV).flatMap(([name, key]) => (env[name] !== undefined && env[name] !== '' ? [[key, env[name]]] : [])));
  const parsed = connectorConfigSchema.safeParse(raw);
  if (parsed.success) return { ok: true, config: parsed.data };
  const envOf = (key: PropertyKey) => Object.entries(ENV).find(([, k]) => k === key)?.[0] ?? String(key);
  return { ok: false, problems: parsed.error.issues.map((i) => `${envOf(i.path[0] ?? '')}: ${i.message}`) };
}
