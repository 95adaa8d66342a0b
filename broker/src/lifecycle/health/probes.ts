import net from 'node:net';
import { encodeInstruction, GuacDecoder } from '@yunzhuo/protocol';

export interface ProbeResult {
  ok: boolean;
  /** why it failed (refused, timeout, wrong answer); empty when ok */
  detail: string;
  ms: number;
}

/** How health is measured; the monitor only sees this interface (tests hand it a scripted one). */
export interface Prober {
  /**
   * the desktop's RDP port accepts a TCP connection; `via`: the site whose town connector carries
   * it (connectors/connector-probe.ts asks through the connector; a plain TCP prober ignores it)
   */
  desktop(host: string, port: number, via?: string | null): Promise<ProbeResult>;
  /** guacd answers a `select` of a connection that does not exist (see GATEWAY_PROBE) */
  gateway(host: string, port: number): Promise<ProbeResult>;
}

type Done = (ok: boolean, detail?: string) => void;

/**
 * Opens a socket, lets `onConnect`/`onData` decide, and always ends in one result within
 * `timeoutMs` (real time: this talks to the network, not to the injected clock). The socket is
 * ended with a FIN, not a reset, so the peer reads a clean end of stream.
 */
function probe(
  host: string,
  port: number,
  timeoutMs: number,
  handlers: {
    onConnect(socket: net.Socket, done: Done): void;
    onData?(chunk: Buffer, done: Done): void;
    /** the peer ended the connection cleanly before `done` (default: a failure) */
    onEnd?(done: Done): void;
  },
): Promise<ProbeResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let settled = false;
    const done: Done = (ok, detail = '') => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.end();
      setTimeout(() => socket.destroy(), 1000).unref();
      resolve({ ok, detail, ms: Math.round(performance.now() - started) });
    };
    const timer = setTimeout(() => done(false, `no answer within ${timeoutMs} ms`), timeoutMs);
    socket.setNoDelay(true);
    socket.once('connect', () => handlers.onConnect(socket, done));
    socket.on('data', (chunk: Buffer) => handlers.onData?.(chunk, done));
    socket.once('error', (err: NodeJS.ErrnoException) => done(false, err.code ?? err.message));
    socket.once('end', () => (handlers.onEnd ? handlers.onEnd(done) : done(false, 'closed by the peer')));
    socket.once('close', () => done(false, 'closed by the peer'));
  });
}

/**
 * What a gateway probe asks guacd: to join a connection that cannot exist. guacd's main process
 * answers at once, proving it is alive and read us: 1.5 and 1.6 with `error` ("No such
 * connection."), 1.3 by closing the connection. Either is logged at info level only, naming the
 * probe. Every other way of asking is logged as a
 * failure: `select,rdp` followed by silence makes each guacd version write `Handshake failed,
 * "connect" instruction was not received` at error level, every probe period, per gateway.
 */
export const GATEWAY_PROBE = encodeInstruction('select', '$yunzhuo-health-check');

export function tcpProber(timeoutMs = 3000): Prober {
  return {
    desktop: (host, port) => probe(host, port, timeoutMs, { onConnect: (_socket, done) => done(true) }),
    gateway(host, port) {
      const decoder = new GuacDecoder();
      return probe(host, port, timeoutMs, {
        onConnect: (socket) => void socket.write(GATEWAY_PROBE),
        onEnd: (done) => done(true),
        onData(chunk, done) {
          try {
            const first = decoder.push(chunk)[0];
            if (first) done(first.opcode === 'error', first.opcode === 'error' ? '' : `answered ${first.opcode} instead of error`);
          } catch (err) {
            done(false, `not the Guacamole protocol: ${(err as Error).message}`);
          }
        },
      });
    },
  };
}
