import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Semaphore } from './semaphore.js';

// scrypt N=2^15, r=8, p=1: ~65 ms on this 2-core machine; stored with its parameters.
const PARAMS = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEYLEN = 32;

/**
 * scrypt runs on libuv's thread pool (4 threads), as do SQLite queries and file I/O. At the 8:30
 * rush hundreds of password checks would fill that pool and every database query would wait
 * behind them, so at most `HASH_SLOTS` hashes run at once and the rest wait here, in order.
 */
const THREAD_POOL = Number(process.env.UV_THREADPOOL_SIZE) || 4;
const HASH_SLOTS = Math.max(1, Math.min(availableParallelism(), THREAD_POOL - 2));
const hashSlots = new Semaphore(HASH_SLOTS);

export const hashSlotCount = HASH_SLOTS;

/**
 * Runs around one password check while it holds its hash slot: `before` may refuse (a throttle
 * that is already full), `after` records the outcome before the next waiter is let in. Parallel
 * guesses against one account therefore pass the throttle at most `hashSlotCount - 1` times
 * more than its limit, instead of all at once.
 */
export interface HashGuard {
  before(): Promise<void>;
  after(ok: boolean): Promise<void>;
}

function scryptRaw(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

function scryptAsync(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return hashSlots.run(() => scryptRaw(password, salt, keylen, opts));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password.normalize('NFC'), salt, KEYLEN, PARAMS);
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
  const key = await scryptRaw(password.normalize('NFC'), Buffer.from(salt, 'base64'), expected.length, {
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
