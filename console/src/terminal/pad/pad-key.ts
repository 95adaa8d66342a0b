import type { PadRating, PadStore } from './pad-outbox';

/** A random idempotency key (32 hex digits). `crypto.randomUUID` needs a secure context; a pad on plain http has only getRandomValues. */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const CREDENTIAL_KEY = 'yz.pad.credential';

/** The pad's credential (`<pad id>.<secret>`), kept on the tablet. */
export const padCredential = {
  load: (): string | null => localStorage.getItem(CREDENTIAL_KEY),
  save: (credential: string) => localStorage.setItem(CREDENTIAL_KEY, credential),
  clear: () => localStorage.removeItem(CREDENTIAL_KEY),
};

const KEY = 'yz.pad.outbox';

/** The pad's outbox in localStorage: survives a reload or a power cut of the tablet. */
export const localPadStore: PadStore = {
  load() {
    try {
      const items = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
      return Array.isArray(items) ? (items as PadRating[]) : [];
    } catch {
      return [];
    }
  },
  save(items) {
    localStorage.setItem(KEY, JSON.stringify(items));
  },
};
