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
  /** the desktop's RDP port accepts a TCP connection */
  desktop(host: string, port: number): Promise<ProbeResult>;
  /** guacd answers `select rdp` with `args` */
  gateway(host: string, port: number): Promise<ProbeResult>;
}

/**
 * Opens a socket, lets `onConnect`/`onData` decide, and always ends in one result within
 * `timeoutMs` (real time: this talks to the network, not to the injected clock).
 */
function probe(host: string, port: number, timeoutMs: number, handlers: {
  onConnect(socket: net.Socket, done: (ok: boolean, detail?: string) => void): void;
  onData?(chunk: Buffer, done: (ok: boolean, detail?: string) => void): void;
}): Promise<ProbeResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let settled = false;
    const done = (ok: boolean, detail = ''): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ok, detail, ms: Math.round(performance.now() - started) });
    };
    const timer = setTimeout(() => done(false, `no answer within ${timeoutMs} ms`), timeoutMs);
    socket.setNoDelay(true);
    socket.once('connect', () => handlers.onConnect(socket, done));
    socket.on('data', (chunk: Buffer) => handlers.onData?.(chunk, done));
    socket.once('error', (err: NodeJS.ErrnoException) => done(false, err.code ?? err.message));
    socket.once('close', () => done(false, 'closed by the peer'));
  });
}

export function tcpProber(timeoutMs = 3000): Prober {
  return {
    desktop: (host, port) => probe(host, port, timeoutMs, { onConnect: (_socket, done) => done(true) }),
    gateway(host, port) {
      const decoder = new GuacDecoder();
      return probe(host, port, timeoutMs, {
        onConnect: (socket) => void socket.write(encodeInstruction('select', 'rdp')),
        onData(chunk, done) {
          try {
            const first = decoder.push(chunk)[0];
            if (first) done(first.opcode === 'args', first.opcode === 'args' ? '' : `answered ${first.opcode} instead of args`);
          } catch (err) {
            done(false, `not the Guacamole protocol: ${(err as Error).message}`);
          }
        },
      });
    },
  };
}
