// Runs in a worker thread (see passwords.ts): the whole scrypt, parameter check included, stays
// off the broker's main thread and off libuv's thread pool, where SQLite's queries run.
import { scryptSync } from 'node:crypto';

export interface ScryptTask {
  password: string;
  salt: Uint8Array;
  keylen: number;
  N: number;
  r: number;
  p: number;
  maxmem: number;
}

export default function derive(task: ScryptTask): Uint8Array {
  const { password, salt, keylen, ...options } = task;
  return scryptSync(password, salt, keylen, options);
}
