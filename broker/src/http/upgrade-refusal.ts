import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ERRORS, type ErrorCode } from '@yunzhuo/protocol/errors';

/**
 * Answers a WebSocket upgrade with a plain HTTP error before any socket is made, in the API's
 * error shape: `{ "error": { "code", "message" } }`.
 */
export function refuseUpgrade(socket: Duplex, code: ErrorCode, details: Record<string, unknown> = {}): void {
  const spec = ERRORS[code];
  const body = JSON.stringify({ error: { code, message: `${spec.zh} / ${spec.en}`, details } });
  socket.end(
    `HTTP/1.1 ${spec.status} ${STATUS_CODES[spec.status] ?? 'Error'}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
