/** A refusal from the broker (`{error:{code,message,details}}`) or `NETWORK` when it was not reached. */
export class WindowApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly serverMessage: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(`${code}: ${serverMessage}`);
    this.name = 'WindowApiError';
  }
}

export function isWindowApiError(error: unknown, code?: string): error is WindowApiError {
  return error instanceof WindowApiError && (code === undefined || error.code === code);
}

export interface BrokerFetchOptions {
  /** the `Authorization` header (`Terminal <credential>`, `Pad <credential>`), or none */
  authorization: string | null;
  /**
   * A refusal without the broker's `{error}` body (a proxy's page while the broker restarts):
   * `not-reached` reports it as `NETWORK` with status 0, like no answer at all (the pad keeps its
   * rating and tries again); `by-status` keeps the HTTP status, code `INTERNAL` for a 5xx, else `NETWORK`.
   */
  foreignRefusal: 'not-reached' | 'by-status';
  /** when the connection drops before any answer, wait this long (ms) and send once more; unset: no retry */
  retryAfterMs?: number;
  /** `no-store` for the pad: its state and pairing must never come from a cache */
  cache?: 'no-store';
}

export interface BrokerAnswer<T> {
  status: number;
  headers: Headers;
  /** the JSON body, null when empty */
  body: T;
}

/** One call to the broker's `/api/v1` from the window page or the rating pad; a refusal throws a WindowApiError. */
export async function brokerFetch<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body: unknown, options: BrokerFetchOptions): Promise<BrokerAnswer<T>> {
  const send = () =>
    fetch(`/api/v1${path}`, {
      method,
      headers: {
        ...(options.authorization ? { authorization: options.authorization } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(options.cache ? { cache: options.cache } : {}),
    });
  const { retryAfterMs } = options;
  let res: Response;
  try {
    res =
      retryAfterMs === undefined
        ? await send()
        : await send().catch(async () => {
            await new Promise((resolve) => setTimeout(resolve, retryAfterMs));
            return send();
          });
  } catch {
    throw new WindowApiError(0, 'NETWORK', 'network error');
  }
  const text = await res.text().catch(() => '');
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON: a proxy's error page */
  }
  if (!res.ok) {
    const error = (parsed as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | null)?.error;
    const message = error?.message ?? res.statusText;
    const details = error?.details ?? {};
    if (options.foreignRefusal === 'not-reached') throw new WindowApiError(error ? res.status : 0, error?.code ?? 'NETWORK', message, details);
    throw new WindowApiError(res.status, error?.code ?? (res.status >= 500 ? 'INTERNAL' : 'NETWORK'), message, details);
  }
  return { status: res.status, headers: res.headers, body: parsed as T };
}
