const STORAGE_KEY = 'yz.terminal.credential';
const CREDENTIAL = /^[0-9a-f-]{36}\.[A-Za-z0-9_-]{8,}$/i;

function remember(credential: string): void {
  for (const storage of [sessionStorage, localStorage]) {
    try {
      storage.setItem(STORAGE_KEY, credential);
    } catch {
      /* storage refused: the credential lives for this page only */
    }
  }
}

function recalled(): string | null {
  for (const storage of [sessionStorage, localStorage]) {
    try {
      const value = storage.getItem(STORAGE_KEY);
      if (value && CREDENTIAL.test(value)) return value;
    } catch {
      /* storage refused */
    }
  }
  return null;
}

/**
 * The agent opens the page as `/terminal#credential=<terminal id>.<secret>`. The fragment never
 * reaches a server log; it is kept in storage and wiped from the address bar at once.
 */
export function loadTerminalCredential(): string | null {
  const fragment = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const given = fragment.get('credential');
  if (given !== null) {
    history.replaceState(null, '', window.location.pathname + window.location.search);
    if (CREDENTIAL.test(given)) {
      remember(given);
      return given;
    }
  }
  return recalled();
}
