import { enrollResponse, type EnrollRequest, type EnrollResponse } from '@yunzhuo/protocol/agent/index';

export class EnrollRefused extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

/** `POST /api/v1/agent/enroll`. A coded 4xx refusal is final; network errors and 5xx are for the caller to retry. */
export async function enroll(brokerUrl: string, request: EnrollRequest, fetchImpl: typeof fetch = fetch): Promise<EnrollResponse> {
  const res = await fetchImpl(new URL('/api/v1/agent/enroll', brokerUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (res.status === 201) {
    const parsed = enrollResponse.safeParse(body);
    if (!parsed.success) throw new Error(`enroll: the broker answered an unexpected body`);
    return parsed.data;
  }
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : `HTTP_${res.status}`;
  const message = typeof error?.message === 'string' ? error.message : text.slice(0, 200);
  throw new EnrollRefused(code, res.status, message);
}
