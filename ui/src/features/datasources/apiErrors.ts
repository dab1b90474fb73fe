// Reading RTK Query errors of the REST endpoints (ApiError from api/errors.ts).
import { isApiError, type ApiError } from '../../api/errors';
import { silenceEndpoints } from '../../api/silence';

// The datasource screens show these endpoints' errors themselves (on form fields, in a banner,
// in the test result), so the API client does not also raise a notification.
silenceEndpoints(['createDatasource', 'updateDatasource', 'testUnsaved', 'testSaved', 'getDatasource', 'listTables']);

/** The ApiError inside an RTK Query `error`, or a generic one. */
export function apiErrorOf(error: unknown): ApiError {
  if (isApiError(error)) return error;
  const message =
    error && typeof error === 'object' && 'message' in error ? String((error as { message: unknown }).message) : String(error ?? '');
  return { status: 'NETWORK_ERROR', code: -1, message, errors: [] };
}
