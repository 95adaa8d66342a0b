const ADDRESS = /^(\d{1,5})\.([A-Za-z0-9_-]{16,128})$/;

/** A WebSocket of the agent on this terminal: loopback only, opened with the agent's secret. */
export interface DeviceBridgeAddress {
  url: string;
}

function parse(value: string | null): DeviceBridgeAddress | null {
  const match = value ? ADDRESS.exec(value) : null;
  if (!match || Number(match[1]) > 65535) return null;
  return { url: `ws://127.0.0.1:${match[1]}/?secret=${match[2]}` };
}

/**
 * The agent opens the page with `…#credential=…&<key>=<port>.<secret>`; read it before the
 * credential loader wipes the fragment, and keep it for this tab (a reload keeps it).
 */
export function loadLoopbackAddress(key: string): DeviceBridgeAddress | null {
  const storageKey = `yz.terminal.${key}`;
  const given = new URLSearchParams(window.location.hash.replace(/^#/, '')).get(key);
  if (given !== null && parse(given)) {
    try {
      sessionStorage.setItem(storageKey, given);
    } catch {
      /* storage refused: the address lives for this page only */
    }
    return parse(given);
  }
  try {
    return parse(sessionStorage.getItem(storageKey));
  } catch {
    return null;
  }
}

/** The agent's device bridge (`devices=<port>.<secret>`). */
export function loadDeviceBridgeAddress(): DeviceBridgeAddress | null {
  return loadLoopbackAddress('devices');
}
