const STORAGE_KEY = 'yz.terminal.devices';
const ADDRESS = /^(\d{1,5})\.([A-Za-z0-9_-]{16,128})$/;

/** The agent's device bridge on this terminal: loopback only, opened with the agent's secret. */
export interface DeviceBridgeAddress {
  url: string;
}

function parse(value: string | null): DeviceBridgeAddress | null {
  const match = value ? ADDRESS.exec(value) : null;
  if (!match || Number(match[1]) > 65535) return null;
  return { url: `ws://127.0.0.1:${match[1]}/?secret=${match[2]}` };
}

/**
 * The agent opens the page with `…#credential=…&devices=<port>.<secret>`; read it before the
 * credential loader wipes the fragment, and keep it for this tab (a reload keeps the devices).
 */
export function loadDeviceBridgeAddress(): DeviceBridgeAddress | null {
  const given = new URLSearchParams(window.location.hash.replace(/^#/, '')).get('devices');
  if (given !== null && parse(given)) {
    try {
      sessionStorage.setItem(STORAGE_KEY, given);
    } catch {
      /* storage refused: the address lives for this page only */
    }
    return parse(given);
  }
  try {
    return parse(sessionStorage.getItem(STORAGE_KEY));
  } catch {
    return null;
  }
}
