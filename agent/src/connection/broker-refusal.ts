/** The stable code of the broker's refusal body (`{"error":{"code":…}}`), or undefined when it is not one. */
export function errorCodeOf(body: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (value && typeof value === 'object' && 'error' in value) {
    const error = value.error;
    if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') return error.code;
  }
  return undefined;
}
