// The tunnel bench's split-instruction (Nagle) probes: a small instruction written in two pieces
// ≥ 1 ms apart, downward (the fake guacd writes) and upward (the browser sends two messages).
// Each sample is timed from the first write and from the last: from the last is what a relay
// adds by holding a piece (Nagle with delayed ACK would show as tens of ms); from the first adds
// this process's own 1 ms timer, whose lateness on a loaded machine the timer control measures.
import { performance } from 'node:perf_hooks';
import { encodeInstruction } from '@yunzhuo/protocol';
import type { FakeGuacdConnection } from '../helpers/fake-guacd.js';
import { arrival, openClient } from './tunnel-bench.clients.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** bytes of `N.sync,` in the first piece: the opcode, cut before its argument */
const FIRST_PIECE = 7;

export interface SplitSamples {
  fromFirst: number[];
  fromLast: number[];
}

/** When each upward `sync` (by its argument) reached the fake guacd. */
export class UpstreamArrivals {
  readonly #at = new Map<string, number>();
  readonly #waiting = new Map<string, () => void>();

  record(id: string): void {
    this.#at.set(id, performance.now());
    this.#waiting.get(id)?.();
  }

  /** resolves with the arrival time of `id` */
  when(id: string, timeoutMs = 5000): Promise<number> {
    return new Promise((resolve, reject) => {
      const seen = this.#at.get(id);
      if (seen !== undefined) return resolve(seen);
      const timer = setTimeout(() => reject(new Error(`no upstream sync ${id} within ${timeoutMs} ms`)), timeoutMs);
      this.#waiting.set(id, () => {
        clearTimeout(timer);
        this.#waiting.delete(id);
        resolve(this.#at.get(id)!);
      });
    });
  }
}

/** guacd → browser through the relay at `url`; `guacd()` is the fake guacd's side of the new tunnel. */
export async function splitDown(url: string, guacd: () => FakeGuacdConnection, samples: number, tag: string): Promise<SplitSamples> {
  const ws = await openClient(url);
  const conn = guacd();
  const out: SplitSamples = { fromFirst: [], fromLast: [] };
  for (let i = 0; i < samples; i++) {
    const text = encodeInstruction('sync', `${tag}${i}`);
    const first = performance.now();
    // the last piece: a relay that forwards bytes as they come (the plain relay) sends it alone
    const done = arrival(ws, text.slice(FIRST_PIECE), first);
    conn.send(text.slice(0, FIRST_PIECE));
    await sleep(1);
    const last = performance.now();
    conn.send(text.slice(FIRST_PIECE));
    const at = first + (await done);
    out.fromFirst.push(at - first);
    out.fromLast.push(at - last);
    await sleep(2);
  }
  ws.terminate();
  return out;
}

/** browser → guacd through the relay at `url`: the `sync` in two WebSocket messages. */
export async function splitUp(url: string, arrivals: UpstreamArrivals, samples: number, tag: string): Promise<SplitSamples> {
  const ws = await openClient(url);
  const out: SplitSamples = { fromFirst: [], fromLast: [] };
  for (let i = 0; i < samples; i++) {
    const id = `${tag}${i}`;
    const text = encodeInstruction('sync', id);
    const arrived = arrivals.when(id);
    const first = performance.now();
    ws.send(text.slice(0, FIRST_PIECE));
    await sleep(1);
    const last = performance.now();
    ws.send(text.slice(FIRST_PIECE));
    const at = await arrived;
    out.fromFirst.push(at - first);
    out.fromLast.push(at - last);
    await sleep(2);
  }
  ws.terminate();
  return out;
}

/** The control: how late this process's 1 ms timer fires (ms past 1), the floor of every "from the first write". */
export async function timerLateness(samples: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    await sleep(1);
    out.push(performance.now() - started - 1);
    await sleep(2);
  }
  return out;
}
