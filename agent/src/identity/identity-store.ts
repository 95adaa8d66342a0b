import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** What enrollment bought: kept in `<stateDir>/identity.json`, mode 0600, reused on every start. */
export const identitySchema = z
  .object({
    terminalId: z.string().uuid(),
    siteId: z.string().uuid(),
    /** `<terminal id>.<secret>` — the only copy of the secret */
    credential: z.string().min(10),
    brokerUrl: z.string(),
    hardwareId: z.string(),
    enrolledAt: z.string(),
  })
  .strict();
export type AgentIdentity = z.infer<typeof identitySchema>;

/** Writes `file` readable by its owner only, atomically (a crash never leaves half an identity). */
export function writePrivateJson(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

export class IdentityStore {
  readonly file: string;

  constructor(stateDir: string) {
    this.file = path.join(stateDir, 'identity.json');
  }

  load(): AgentIdentity | null {
    if (!existsSync(this.file)) return null;
    const parsed = identitySchema.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
    if (!parsed.success) throw new Error(`${this.file} is not a valid agent identity; remove it to enroll again`);
    // tighten a file someone loosened by hand
    chmodSync(this.file, 0o600);
    return parsed.data;
  }

  save(identity: AgentIdentity): void {
    writePrivateJson(this.file, identity);
  }
}
