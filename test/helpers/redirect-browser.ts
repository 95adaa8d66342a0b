/**
 * A browser's redirect following, with cookies kept per origin: GET a URL and follow each
 * `Location` (302/303) until an answer that is no redirect, or until `stopAt` says the next URL
 * is one the test wants to send itself (to tamper with it first).
 */
export class RedirectBrowser {
  readonly jars = new Map<string, Map<string, string>>();

  cookiesOf(origin: string): Map<string, string> {
    let jar = this.jars.get(origin);
    if (!jar) this.jars.set(origin, (jar = new Map()));
    return jar;
  }

  async open(url: string, stopAt: (next: URL) => boolean = () => false): Promise<{ url: URL; status: number; body: string; stopped: boolean }> {
    let next = new URL(url);
    for (let hop = 0; hop < 20; hop++) {
      const jar = this.cookiesOf(next.origin);
      const headers: Record<string, string> = jar.size ? { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
      const res = await fetch(next, { redirect: 'manual', headers });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const at = pair!.indexOf('=');
        const [name, value] = [pair!.slice(0, at).trim(), pair!.slice(at + 1)];
        if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) jar.delete(name);
        else jar.set(name, value);
      }
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) return { url: next, status: res.status, body: await res.text(), stopped: false };
      await res.body?.cancel();
      const target = new URL(location, next);
      if (stopAt(target)) return { url: target, status: res.status, body: '', stopped: true };
      next = target;
    }
    throw new Error(`more than 20 redirects from ${url}`);
  }
}
