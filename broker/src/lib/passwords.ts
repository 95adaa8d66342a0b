import { randomBytes, timingSafeEqual } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { ScryptTask } from './password-worker.js';
import { Semaphore } from './semaphore.js';

// scrypt N=2^15, r=8, p=1: ~65 ms on this 2-core machine; stored with its parameters.
const PARAMS = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEYLEN = 32;

/**
 * scrypt runs in worker threads, never on the main thread: Node's own async scrypt checks its
 * parameters on the calling thread (a fraction of a millisecond each, under contention), and its
 * work would share libuv's four threads with every SQLite query. At most `HASH_SLOTS` hashes run
 * at once — one per core, at most four (each holds 32 MiB, and a container's CPU quota is not
 * what `availableParallelism()` sees) — and the rest wait here, in order.
 */
const HASH_SLOTS = Math.max(1, Math.min(availableParallelism(), 4));
const hashSlots = new Semaphore(HASH_SLOTS);

/** the worker's module next to this one: `.ts` when run from the sources (under tsx), `.js` in the bundle */
const FROM_SOURCES = import.meta.url.endsWith('.ts');
const WORKER = new URL(`./password-worker${FROM_SOURCES ? '.ts' : '.js'}`, import.meta.url);
let workers: Piscina<ScryptTask, Uint8Array> | undefined;

function hashWorkers(): Piscina<ScryptTask, Uint8Array> {
  if (workers) return workers;
  workers = new Piscina({
    filename: WORKER.href,
    // none kept when idle: a thread costs ≈ 20 MB, starting one ≈ 30 ms on the first login after a quiet minute
    minThreads: 0,
    maxThreads: HASH_SLOTS,
    idleTimeout: 60_000,
    // the sources need tsx's loader in the worker too; the bundle's worker needs no flag of the broker's
    execArgv: FROM_SOURCES ? process.execArgv : [],
  });
  // a worker that dies outside a task (its task, if any, is rejected by piscina): say so, stay up
  workers.on('error', (err: Error) => process.emitWarning(`password-hash worker failed: ${err.message}`));
  return workers;
}

export const hashSlotCount = HASH_SLOTS;

/**
 * Runs around one password check while it holds its hash slot: `before` may refuse (a throttle
 * that is already full), `after` records the outcome before the next waiter is let in. Parallel
 * guesses against one account therefore pass the throttle at most `hashSlotCount - 1` times
 * more than its limit in one process, instead of all at once.
 */
export interface HashGuard {
  before(): Promise<void>;
  after(ok: boolean): Promise<void>;
}

async function scryptRaw(task: ScryptTask): Promise<Buffer> {
  const key = await hashWorkers().run(task);
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength);
}

function scryptAsync(task: ScryptTask): Promise<Buffer> {
  return hashSlots.run(() => scryptRaw(task));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync({ password: password.normalize('NFC'), salt, keylen: KEYLEN, ...PARAMS });
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string, guard?: HashGuard): Promise<boolean> {
  return hashSlots.run(async () => {
    await guard?.before();
    const ok = await compare(password, stored);
    await guard?.after(ok);
    return ok;
  });
}

async function compare(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await scryptRaw({
    password: password.normalize('NFC'),
    salt: Buffer.from(salt, 'base64'),
    keylen: expected.length,
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: PARAMS.maxmem,
  });
  return expected.length > 0 && timingSafeEqual(key, expected);
}

/** A hash that never verifies, compared against when the account does not exist (same timing). */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  return decoy;
}
