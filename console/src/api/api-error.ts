import { errorText } from '../i18n/core/error-text';

export interface ValidationIssue {
  path: string;
  code?: string;
  message: string;
}

/** Codes the client adds for failures that never reached the broker's error handler. */
export type ClientErrorCode = 'NETWORK' | 'BAD_RESPONSE' | 'ENDPOINT_MISSING';

/**
 * The broker's `{ error: { code, message, details } }` as a typed error. `message` is the
 * Chinese text of the code (from protocol/errors.ts), so anything that prints it is Chinese.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly serverMessage: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(ApiError.text(code, 'zh-CN', serverMessage, details));
    this.name = 'ApiError';
  }

  static text(code: string, lang: string, fallback = '', details: Record<string, unknown> = {}): string {
    return errorText(code, lang, details) ?? (fallback || code);
  }

  /** message in the UI language */
  localized(lang: string): string {
    return ApiError.text(this.code, lang, this.serverMessage, this.details);
  }

  get issues(): ValidationIssue[] {
    const raw = this.details.issues;
    return Array.isArray(raw) ? (raw as ValidationIssue[]) : [];
  }

  /** an endpoint the broker does not have yet (plain 404 on the path, not a missing row) */
  get isMissingEndpoint(): boolean {
    return this.status === 404 && (this.code === 'ENDPOINT_MISSING' || (this.code === 'NOT_FOUND' && typeof this.details.path === 'string'));
  }
}

export function isApiError(err: unknown, code?: string): err is ApiError {
  return err instanceof ApiError && (code === undefined || err.code === code);
}
