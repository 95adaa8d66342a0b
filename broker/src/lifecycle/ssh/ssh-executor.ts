import { createHash } from 'node:crypto';
import { NodeSSH } from 'node-ssh';
import type { ActionOutcome } from '@yunzhuo/protocol/api/lifecycle';

export interface SshEndpoint {
  host: string;
  port: number;
  username: string;
  privateKey: string;
}

export interface SshExecResult {
  outcome: ActionOutcome;
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  error: string | null;
  /** the host key the server presented (SHA256:…), null if it never got that far */
  fingerprint: string | null;
  durationMs: number;
}

export interface SshExecOptions {
  timeoutMs: number;
  /** the pinned fingerprint; null = trust on first use (the caller pins what was seen) */
  expectedFingerprint: string | null;
}

/** Runs one command over SSH; the action service only sees this interface. */
export interface SshExecutor {
  exec(endpoint: SshEndpoint, command: string, opts: SshExecOptions): Promise<SshExecResult>;
}

/** Output kept per stream (characters); a chatty command cannot fill the database. */
export const OUTPUT_LIMIT = 16 * 1024;

/** `SHA256:<base64, no padding>` of a raw SSH public key blob, as `ssh-keygen -l -E sha256` prints it. */
export function sshFingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

function capped(text: string): string {
  return text.length <= OUTPUT_LIMIT ? text : `${text.slice(0, OUTPUT_LIMIT)}\n…[truncated ${text.length - OUTPUT_LIMIT} characters]`;
}

/**
 * node-ssh with the host key checked by us: a key other than the pinned one ends the handshake
 * before authentication (`refused`). The timeout covers connect + run; on expiry the remote
 * command is sent TERM and the connection is dropped.
 */
export const nodeSshExecutor: SshExecutor = {
  async exec(endpoint, command, opts) {
    const started = performance.now();
    const ssh = new NodeSSH();
    let seen: string | null = null;
    let mismatch = false;
    const open: { channel: { signal?(name: string): unknown } | null } = { channel: null };
    let timer: NodeJS.Timeout | undefined;
    const result = (outcome: ActionOutcome, rest: Partial<SshExecResult>): SshExecResult => ({
      outcome,
      exitCode: null,
      signal: null,
      stdout: '',
      stderr: '',
      error: null,
      fingerprint: seen,
      durationMs: Math.round(performance.now() - started),
      ...rest,
    });
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), opts.timeoutMs)));
    const work = (async () => {
      await ssh.connect({
        host: endpoint.host,
        port: endpoint.port,
        username: endpoint.username,
        privateKey: endpoint.privateKey,
        readyTimeout: opts.timeoutMs,
        hostVerifier: (key: Buffer) => {
          seen = sshFingerprint(key);
          mismatch = opts.expectedFingerprint !== null && seen !== opts.expectedFingerprint;
          return !mismatch;
        },
      });
      // node-ssh stops listening for the connection's errors once it is ready: a reset after
      // that (the host restarting, or after dispose()) would be an uncaught exception that ends
      // the broker. The command's own outcome still comes through execCommand.
      ssh.connection?.on('error', () => undefined);
      return ssh.execCommand(command, { onChannel: (c) => (open.channel = c) });
    })();
    try {
      const outcome = await Promise.race([work, timedOut]);
      if (outcome === 'timeout') {
        work.catch(() => undefined);
        try {
          open.channel?.signal?.('TERM');
        } catch {
          /* the channel may already be gone */
        }
        return result('timeout', { error: `timed out after ${opts.timeoutMs} ms` });
      }
      const ok = outcome.code === 0;
      return result(ok ? 'ok' : 'failed', {
        exitCode: outcome.code,
        signal: outcome.signal,
        stdout: capped(outcome.stdout),
        stderr: capped(outcome.stderr),
        error: ok ? null : outcome.code === null ? `ended by signal ${outcome.signal ?? 'unknown'}` : `exit code ${outcome.code}`,
      });
    } catch (err) {
      if (mismatch) return result('refused', { error: `host key mismatch: expected ${opts.expectedFingerprint}, got ${seen}` });
      return result('error', { error: (err as Error).message.slice(0, 900) });
    } finally {
      clearTimeout(timer);
      ssh.dispose();
    }
  },
};
