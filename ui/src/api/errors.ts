// The error every API call rejects with (RTK Query's `error`, `apiFetch`'s thrown value), built from
// the server's envelope: `code` from the catalogue (docs/errors.md), `message`, and `errors[]` with one
// entry per invalid field so forms can put each message on its field (see common/applyFieldErrors).
import type { FieldErrorSchema, Meta } from './generated';

export type FieldError = FieldErrorSchema;

export interface ApiError {
  /** The HTTP status, or `NETWORK_ERROR` when no answer arrived, `PARSE_ERROR` when it was not JSON. */
  status: number | 'NETWORK_ERROR' | 'PARSE_ERROR';
  /** The envelope's code (0 never appears here); -1 when the answer had no envelope. */
  code: number;
  message: string;
  errors: FieldError[];
  /** `meta.requestId` (or the `X-Request-Id` header), to quote when reporting a problem. */
  requestId?: string;
  /** Seconds from `Retry-After` (429, 503). */
  retryAfter?: number;
  /** The envelope's `data`, which some errors fill (a failed connection test, a health report). */
  data?: unknown;
}

/** Just the envelope fields the client reads; full types per endpoint are in generated.ts. */
export interface EnvelopeHead {
  status?: string;
  code: number;
  message?: string;
  data?: unknown;
  errors?: FieldError[] | null;
  meta?: Partial<Meta>;
}

/** Error codes the client reacts to (docs/errors.md). */
export const ErrorCodes = {
  VALIDATION_FAILED: 1000,
  UNAUTHENTICATED: 2000,
  INVALID_CREDENTIALS: 2001,
  TOKEN_EXPIRED: 2002,
  REFRESH_TOKEN_REUSED: 2005,
  ACCOUNT_DISABLED: 2006,
  LOGIN_THROTTLED: 2007,
  FORBIDDEN: 2100,
  NOT_FOUND: 3000,
  CONFLICT: 4000,
  OPERATION_NOT_ALLOWED: 4001,
  RATE_LIMITED: 4290,
  INTERNAL: 5000,
} as const;

export function isEnvelope(value: unknown): value is EnvelopeHead {
  return typeof value === 'object' && value !== null && typeof (value as { code?: unknown }).code === 'number';
}

export function isApiError(value: unknown): value is ApiError {
  return (
    typeof value === 'object' &&
    value !== null &&
    'status' in value &&
    typeof (value as { code?: unknown }).code === 'number' &&
    Array.isArray((value as { errors?: unknown }).errors)
  );
}

export function parseRetryAfter(headers: Headers | undefined): number | undefined {
  const raw = headers?.get('Retry-After');
  if (!raw) return undefined;
  const secs = Number(raw);
  if (Number.isFinite(secs)) return Math.max(0, secs);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** Builds an ApiError from an HTTP answer (status, parsed body, headers). */
export function errorFromAnswer(status: number, body: unknown, headers?: Headers): ApiError {
  const envelope = isEnvelope(body) ? body : undefined;
  const requestId = envelope?.meta?.requestId ?? headers?.get('X-Request-Id') ?? undefined;
  return {
    status,
    code: envelope ? envelope.code : -1,
    message: envelope?.message || (typeof body === 'string' && body ? body : `HTTP ${status}`),
    errors: envelope?.errors ?? [],
    ...(requestId ? { requestId } : {}),
    ...(parseRetryAfter(headers) !== undefined ? { retryAfter: parseRetryAfter(headers) } : {}),
    ...(envelope && envelope.data != null ? { data: envelope.data } : {}),
  };
}

export function networkError(cause: unknown): ApiError {
  return {
    status: 'NETWORK_ERROR',
    code: -1,
    message: cause instanceof Error ? cause.message : String(cause),
    errors: [],
  };
}

/** A readable message for any rejection value (ApiError, Error, string). */
export function errorMessage(error: unknown): string {
  if (isApiError(error)) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
