import assert from 'node:assert/strict';
import { z } from 'zod';

/**
 * A response body as a test reads it: any field, checked by the assertions that follow (the
 * API's own schemas are tested where they are defined).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the one loose type of the suite, see above
export type AnyBody = any;

export interface ApiResponse<T = AnyBody> {
  status: number;
  body: T;
  headers: Headers;
}

/** A console-like HTTP client: keeps cookies, sends the CSRF header on writes. */
export class ApiClient {
  cookies = new Map<string, string>();
  csrf = '';
  terminalCredential: string | undefined;

  constructor(readonly baseUrl: string) {}

  static forTerminal(baseUrl: string, credential: string): ApiClient {
    const client = new ApiClient(baseUrl);
    client.terminalCredential = credential;
    return client;
  }

  async login(username: string, password: string): Promise<ApiResponse> {
    const res = await this.request('POST', '/api/v1/auth/login', { username, password });
    if (res.status === 200) this.csrf = res.body.csrfToken;
    return res;
  }

  async request<T = AnyBody>(
    method: string,
    path: string,
    body?: unknown,
    opts: { raw?: Buffer | string; contentType?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (method !== 'GET' && this.csrf) headers['x-csrf-token'] = this.csrf;
    if (this.terminalCredential) headers.authorization = `Terminal ${this.terminalCredential}`;
    let payload: string | Buffer | undefined;
    if (opts.raw !== undefined) {
      payload = opts.raw;
      headers['content-type'] = opts.contentType ?? 'text/csv';
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(this.baseUrl + path, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, ...v] = pair!.split('=');
      const value = v.join('=');
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(k!.trim());
      else this.cookies.set(k!.trim(), value);
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = AnyBody>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = AnyBody>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body ?? {});
  }
  patch<T = AnyBody>(path: string, body: unknown) {
    return this.request<T>('PATCH', path, body);
  }
  delete<T = AnyBody>(path: string) {
    return this.request<T>('DELETE', path);
  }

  /** POST that must succeed with 201; returns the body */
  async create<T = AnyBody>(path: string, body: unknown): Promise<T> {
    const res = await this.post<T>(path, body);
    assert.equal(res.status, 201, `POST ${path} → ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }
}

/** The `items` of a list answer, each parsed with the API's own output schema (no casts in tests). */
export function itemsOf<S extends z.ZodType>(schema: S, res: ApiResponse): Array<z.infer<S>> {
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return z.object({ items: z.array(schema) }).parse(res.body).items;
}

export function assertError(res: ApiResponse, status: number, code: string): void {
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status} ${JSON.stringify(res.body)}`);
  assert.equal(res.body?.error?.code, code, JSON.stringify(res.body));
}
