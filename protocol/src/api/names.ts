import { z } from 'zod';

/**
 * Characters no name may hold, whatever it names: C0/C1 controls, the bidi embeddings, overrides
 * and isolates (U+202A–U+202E, U+2066–U+2069: they make `txt.exe` read as `exe.txt` in a list or
 * an audit line), the line and paragraph separators (U+2028, U+2029: a second line in a log), and
 * unpaired surrogates (not text at all; every database stores them differently).
 */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\p{Cs}/u;

/** the `reason` a refused name carries in VALIDATION_FAILED's issues */
export const NAME_UNSAFE_CHARACTERS = 'NAME_UNSAFE_CHARACTERS';
const UNSAFE_MESSAGE = '名称中含有不允许的字符（控制字符、双向文字控制符、换行/段落分隔符或不成对的代理字符）';

export function hasUnsafeCharacters(value: string): boolean {
  return UNSAFE.test(value);
}

/**
 * The form a login name or a code is compared in: NFKC (full-width ａｄｍｉｎ is admin) and
 * case-folded (ADMIN is admin; ß is ss). Two accounts (sites, departments, windows of a site)
 * may not share it; a login finds the account by it.
 */
export function nameKey(name: string): string {
  return name.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}

/** A display name or label: NFC-normalized, trimmed, bounded, no unsafe characters. */
export const displayText = (max: number) =>
  z
    .string()
    .refine((v) => !hasUnsafeCharacters(v), { message: UNSAFE_MESSAGE, params: { reason: NAME_UNSAFE_CHARACTERS } })
    .transform((v) => v.normalize('NFC').trim())
    .pipe(z.string().min(1).max(max));

/** A login name: NFKC-normalized (stored so), letters, digits and `_ . @ -`; unique by `nameKey`. */
export const usernameSchema = z
  .string()
  .refine((v) => !hasUnsafeCharacters(v), { message: UNSAFE_MESSAGE, params: { reason: NAME_UNSAFE_CHARACTERS } })
  .transform((v) => v.normalize('NFKC').trim())
  .pipe(
    z
      .string()
      .min(1)
      .max(64)
      .regex(/^[\p{L}\p{N}_.@-]+$/u, '只能使用字母、数字和 _ . @ -'),
  );
