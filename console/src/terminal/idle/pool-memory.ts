const PREFIX = 'yz.window.pool.';

/** The pool last chosen at this window (a window is often used for the same department). */
export function rememberedPool(windowKey: string): string | null {
  try {
    return localStorage.getItem(PREFIX + windowKey);
  } catch {
    return null;
  }
}

export function rememberPool(windowKey: string, poolId: string): void {
  try {
    localStorage.setItem(PREFIX + windowKey, poolId);
  } catch {
    /* storage refused: no memory, no harm */
  }
}
