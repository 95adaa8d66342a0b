// The fleet bench's side of its simulated terminals (fleet-terminals.child.ts): one Worker per
// child process, asked over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** the agent's production heartbeat interval */
export const HEARTBEAT_MS = 10_000;

export interface WorkerStatus {
  total: number;
  ready: number;
  reconnected: number;
  sent: number;
  acked: number;
  lost: number;
}
export type WorkerCommand =
  | { cmd: 'enroll'; brokerUrl: string; token: string; count: number; prefix: string; concurrency: number }
  /** (re)connect every enrolled terminal to `brokerUrl` */
  | { cmd: 'connect'; brokerUrl: string }
  | { cmd: 'status' }
  /** stop every connection (a drain), keep the credentials */
  | { cmd: 'disconnect' }
  | { cmd: 'stop' };

const CHILD = fileURLToPath(new URL('./fleet-terminals.child.ts', import.meta.url));

export class Worker {
  readonly child: ChildProcess;
  readonly #waiters = new Map<string, Array<(m: Record<string, unknown>) => void>>();

  constructor() {
    this.child = fork(CHILD, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (m: Record<string, unknown>) => {
      const list = this.#waiters.get(String(m.cmd));
      list?.shift()?.(m);
    });
  }

  /** resolves with the next message named `answer` */
  next<T extends Record<string, unknown>>(answer: string): Promise<T> {
    return new Promise((resolve) => {
      const list = this.#waiters.get(answer) ?? [];
      list.push((m) => resolve(m as T));
      this.#waiters.set(answer, list);
    });
  }

  ask<T extends Record<string, unknown>>(message: WorkerCommand, answer: string): Promise<T> {
    const answered = this.next<T>(answer);
    this.child.send(message);
    return answered;
  }

  async status(): Promise<WorkerStatus> {
    return (await this.ask<{ status: WorkerStatus }>({ cmd: 'status' }, 'status')).status;
  }
}

/** every worker's status, added up */
export async function fleetStatus(workers: Worker[]): Promise<WorkerStatus> {
  const all = await Promise.all(workers.map((w) => w.status()));
  return all.reduce((a, s) => ({
    total: a.total + s.total,
    ready: a.ready + s.ready,
    reconnected: a.reconnected + s.reconnected,
    sent: a.sent + s.sent,
    acked: a.acked + s.acked,
    lost: a.lost + s.lost,
  }));
}
