import { connect } from 'node:net';
import { muxOpenSchema, type MuxStream } from '@yunzhuo/protocol/connector/index';
import type { Logger } from '../log.js';
import type { Allowlist } from './allowlist.js';

export interface DialerCounters {
  /** OPENs the allowlist refused */
  refused: number;
}

/**
 * Answers a stream the broker opened: checks the OPEN body and the allowlist (a target outside
 * it is refused with TARGET_NOT_ALLOWED and logged, whatever the broker says), then dials the
 * desktop on the town network and pipes both ways. `pipe` carries the flow control: a desktop
 * that does not read stops the stream's grants, and a stream the county does not read pauses
 * the desktop's socket, so one busy desktop holds at most one window of memory each way.
 */
export function answerStream(
  stream: MuxStream,
  body: unknown,
  deps: { allowlist: Allowlist; logger: Logger; counters: DialerCounters; dialTimeoutMs: number },
): void {
  const open = muxOpenSchema.safeParse(body);
  if (!open.success) {
    deps.logger.warn('stream refused: unreadable OPEN', { streamId: stream.id });
    return stream.reset('BAD_OPEN');
  }
  const { host, port, sessionId } = open.data;
  const refusal = deps.allowlist.refusal({ host, port });
  if (refusal) {
    deps.counters.refused++;
    deps.logger.warn('stream refused: target not allowed', { code: 'TARGET_NOT_ALLOWED', host, port, sessionId, reason: refusal });
    return stream.reset('TARGET_NOT_ALLOWED', `${host}:${port} ${refusal}`);
  }
  const socket = connect({ host, port, noDelay: true, allowHalfOpen: true });
  const timer = setTimeout(() => socket.destroy(new Error(`no answer in ${deps.dialTimeoutMs} ms`)), deps.dialTimeoutMs);
  let connected = false;
  socket.once('connect', () => {
    connected = true;
    clearTimeout(timer);
    deps.logger.info('stream open', { streamId: stream.id, host, port, sessionId });
    socket.pipe(stream).pipe(socket);
  });
  socket.on('error', (err) => {
    clearTimeout(timer);
    if (!connected) {
      deps.logger.warn('stream dial failed', { host, port, sessionId, error: err.message });
      stream.reset('DIAL_FAILED', err.message);
    } else {
      stream.reset('RESET', err.message);
    }
  });
  socket.on('close', () => clearTimeout(timer));
  stream.on('error', () => socket.destroy());
}
