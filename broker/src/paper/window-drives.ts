import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Op } from 'sequelize';
import type { LiveEvents } from '../lib/live-events.js';
import type { Logger } from '../lib/logger.js';
import { DesktopSession } from '../sessions/session.model.js';

const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Each session's window drive 窗口材料 is a directory `<windowDriveDir>/<session id>` that guacd
 * creates (`create-drive-path`) and fills with the scans sent into the desktop. Scans must not stay
 * on the guacd host: the directory goes when its session ends, and on start every directory whose
 * session has ended goes too (one no session of this database names is kept). Like the
 * recordings, the directory is on the guacd host: this assumes the broker can reach it (one host,
 * or a shared volume) — docs/PAPER.md.
 */
export class WindowDrives {
  #stop: (() => void) | null = null;

  constructor(
    private readonly dir: string,
    private readonly logger: Logger,
  ) {}

  pathOf(sessionId: string): string {
    if (!SESSION_ID.test(sessionId)) throw new Error(`not a session id: ${sessionId.slice(0, 64)}`);
    return path.join(this.dir, sessionId);
  }

  /** Removes a session's drive directory with what is in it (nothing there is fine). */
  async remove(sessionId: string): Promise<void> {
    await rm(this.pathOf(sessionId), { recursive: true, force: true });
  }

  /** Removes the drive of every session that ends in this process (the process that ended it acts, once in a cluster). */
  watch(events: LiveEvents): void {
    this.#stop?.();
    this.#stop = events.subscribe(
      (event) => {
        if (event.type !== 'session.changed' || event.data.state !== 'ended') return;
        this.remove(event.data.id).catch((error: unknown) =>
          this.logger.warn({ sessionId: event.data.id, err: error }, 'the ended session’s window drive could not be removed'),
        );
      },
      { localOnly: true },
    );
  }

  /**
   * On start: makes the drives' directory (guacd's `create-drive-path` makes only the session's
   * own, not its parents), then removes the drives of sessions that ended while no broker watched
   * (or are unknown). Returns how many went.
   */
  async sweep(): Promise<number> {
    await mkdir(this.dir, { recursive: true }).catch((error: unknown) =>
      this.logger.warn({ dir: this.dir, err: error }, 'the window drives directory could not be made (guacd on another host?)'),
    );
    const names = (await readdir(this.dir, { withFileTypes: true }).catch(() => []))
      .filter((entry) => entry.isDirectory() && SESSION_ID.test(entry.name))
      .map((entry) => entry.name);
    if (names.length === 0) return 0;
    // only directories of sessions this database knows have ended: a directory named like a uuid
    // that is no session (another tool's, a mistaken setting) is left alone
    const gone: string[] = [];
    for (let at = 0; at < names.length; at += 500) {
      const rows = await DesktopSession.findAll({ attributes: ['id'], where: { id: { [Op.in]: names.slice(at, at + 500) }, state: 'ended' } });
      for (const row of rows) gone.push(row.id);
    }
    const unknown = names.length - gone.length;
    for (const name of gone) await this.remove(name);
    if (gone.length > 0) this.logger.info({ removed: gone.length }, 'window drives of ended sessions removed');
    if (unknown > 0) this.logger.info({ kept: unknown, dir: this.dir }, 'window drives kept: their sessions are live, or not in this database');
    return gone.length;
  }

  close(): void {
    this.#stop?.();
    this.#stop = null;
  }
}
