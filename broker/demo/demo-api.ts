// The demo's HTTP client: what the console does (cookie + CSRF header) and what a window page
// does (`Authorization: Terminal <credential>`), against the broker's public API only.

export class DemoApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class DemoApi {
  #cookie = '';
  #csrf = '';

  constructor(
    readonly baseUrl: string,
    private readonly terminalCredential?: string,
  ) {}

  forTerminal(credential: string): DemoApi {
    return new DemoApi(this.baseUrl, credential);
  }

  async signIn(username: string, password: string): Promise<void> {
    const res = await fetch(`${this.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const body = (await res.json()) as { csrfToken?: string; error?: { code: string; message: string } };
    if (res.status !== 200 || !body.csrfToken)
      throw new DemoApiError(res.status, body.error?.code ?? 'HTTP', `admin sign-in refused: ${body.error?.message ?? res.status}`);
    this.#cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    this.#csrf = body.csrfToken;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.terminalCredential) headers.authorization = `Terminal ${this.terminalCredential}`;
    else if (this.#cookie) {
      headers.cookie = this.#cookie;
      if (method !== 'GET') headers['x-csrf-token'] = this.#csrf;
    }
    const res = await fetch(this.baseUrl + path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (res.status >= 400) {
      const error = (parsed as { error?: { code: string; message: string } } | undefined)?.error;
      throw new DemoApiError(res.status, error?.code ?? `HTTP_${res.status}`, `${method} ${path}: ${error?.code ?? res.status} ${error?.message ?? ''}`);
    }
    return parsed as T;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.request<T>('POST', path, body);
  }
}

/** Runs `job` over `items`, `concurrency` at a time (the broker hashes passwords on worker threads). */
export async function eachLimited<T, R>(items: readonly T[], concurrency: number, job: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await job(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
