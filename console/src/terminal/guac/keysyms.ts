const CONTROL_KEYSYMS: Record<string, number> = { '\n': 0xff0d, '\r': 0xff0d, '\t': 0xff09, '\b': 0xff08 };

/**
 * The X11 keysym of one Unicode code point: Latin-1 as itself, everything else (汉字 included)
 * as 0x01000000 + code point, the way guacamole's on-screen keyboard types text.
 */
export function keysymOf(char: string): number | null {
  const control = CONTROL_KEYSYMS[char];
  if (control !== undefined) return control;
  const codepoint = char.codePointAt(0);
  if (codepoint === undefined || codepoint < 0x20 || (codepoint >= 0x7f && codepoint < 0xa0)) return null;
  return codepoint <= 0xff ? codepoint : 0x01000000 | codepoint;
}

/** Iterates by code point, so characters outside the BMP (生僻字 of CJK Extension B) stay whole. */
export function keysymsOf(text: string): number[] {
  const keysyms: number[] = [];
  for (const char of text) {
    const keysym = keysymOf(char);
    if (keysym !== null) keysyms.push(keysym);
  }
  return keysyms;
}
