import { readFileSync } from 'node:fs';

/** set by the bundle's build (agent/scripts/build.mjs); the sources read agent/package.json */
declare const YUNZHUO_AGENT_BUILD_VERSION: string | undefined;

/** The agent's own version, from agent/package.json (reported in every heartbeat). */
export const AGENT_VERSION: string = (() => {
  if (typeof YUNZHUO_AGENT_BUILD_VERSION === 'string') return YUNZHUO_AGENT_BUILD_VERSION;
  try {
    const pkg: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    return pkg && typeof pkg === 'object' && 'version' in pkg && typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
})();
