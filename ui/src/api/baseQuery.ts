// The RTK Query base query every generated endpoint goes through: fetchBaseQuery with the bearer
// token, wrapped in the shared interceptor (policies.ts). Success returns the whole envelope (read
// `result.data.data`); failure returns an ApiError with `code`, `message` and `errors[]`.
//
// Opting out of the global notification: pass `silent: true` in hand-written args, or give an
// endpoint `extraOptions: { silent: true }` (see silenceEndpoints) so a form can show errors inline.
import {
  fetchBaseQuery,
  type BaseQueryFn,
  type FetchArgs,
  type FetchBaseQueryError,
  type FetchBaseQueryMeta,
} from '@reduxjs/toolkit/query/react';
import { clientSession } from './client';
import type { ApiError } from './errors';
import { runWithPolicies, type Answer } from './policies';

export interface QuarryArgs extends FetchArgs {
  silent?: boolean;
}

export interface QuarryExtraOptions {
  silent?: boolean;
}

type RawResult = Awaited<ReturnType<ReturnType<typeof fetchBaseQuery>>>;

const rawBaseQuery = fetchBaseQuery({
  // Absolute so Request() accepts it outside a browser too (tests); same origin either way.
  baseUrl: typeof window !== 'undefined' ? window.location.origin : '/',
  credentials: 'same-origin',
  prepareHeaders: (headers) => {
    const token = clientSession().getAccessToken();
    if (token && !headers.has('Authorization')) headers.set('Authorization', `Bearer ${token}`);
    return headers;
  },
});

function toAnswer(result: RawResult, tokenUsed: string | null): Answer<RawResult> {
  const headers = result.meta?.response?.headers;
  if (!result.error) {
    return { status: result.meta?.response?.status ?? 200, headers, body: result.data, tokenUsed, payload: result };
  }
  const error: FetchBaseQueryError = result.error;
  if (typeof error.status === 'number') return { status: error.status, headers, body: error.data, tokenUsed, payload: result };
  if (error.status === 'PARSING_ERROR') {
    return { status: error.originalStatus, headers, body: error.data, tokenUsed, payload: result };
  }
  const cause = error.error;
  return { status: 'NETWORK_ERROR', headers, cause, tokenUsed, payload: result };
}

export const baseQuery: BaseQueryFn<string | QuarryArgs, unknown, ApiError, QuarryExtraOptions, FetchBaseQueryMeta> = async (
  args,
  api,
  extraOptions,
) => {
  const { silent, ...fetchArgs }: QuarryArgs = typeof args === 'string' ? { url: args } : args;
  const { answer, error } = await runWithPolicies(
    async () => {
      const tokenUsed = clientSession().getAccessToken();
      return toAnswer(await rawBaseQuery(fetchArgs, api, {}), tokenUsed);
    },
    {
      url: fetchArgs.url,
      method: fetchArgs.method ?? 'GET',
      silent: silent ?? extraOptions?.silent ?? false,
      signal: api.signal,
    },
  );
  const meta = answer.payload.meta;
  if (error) return meta ? { error, meta } : { error };
  return meta ? { data: answer.payload.data, meta } : { data: answer.payload.data };
};
