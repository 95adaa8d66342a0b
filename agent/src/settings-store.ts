import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { remoteAgentSettings, type RemoteAgentSettings } from '@yunzhuo/protocol/agent/index';
import { writePrivateJson } from './identity/identity-store.js';

const fileSchema = z.object({ remote: remoteAgentSettings.default({}), windowId: z.string().uuid().nullable().default(null) }).strict();
export type StoredSettings = z.infer<typeof fileSchema>;

/** What the broker changed at run time (set-config, bind-window), kept in `<stateDir>/settings.json`; it wins over local config. */
export class SettingsStore {
  readonly file: string;
  #current: StoredSettings;

  constructor(stateDir: string) {
    this.file = path.join(stateDir, 'settings.json');
    const parsed = existsSync(this.file) ? fileSchema.safeParse(JSON.parse(readFileSync(this.file, 'utf8'))) : null;
    this.#current = parsed?.success ? parsed.data : { remote: {}, windowId: null };
  }

  get current(): StoredSettings {
    return this.#current;
  }

  merge(remote: RemoteAgentSettings): RemoteAgentSettings {
    this.#current = { ...this.#current, remote: { ...this.#current.remote, ...remote } };
    writePrivateJson(this.file, this.#current);
    return this.#current.remote;
  }

  bindWindow(windowId: string | null): void {
    if (this.#current.windowId === windowId) return;
    this.#current = { ...this.#current, windowId };
    writePrivateJson(this.file, this.#current);
  }
}
