// The one RTK Query API; `generated.ts` injects every endpoint of the OpenAPI document into it.
import { createApi } from '@reduxjs/toolkit/query/react';
import { baseQuery } from './baseQuery';

export const emptyApi = createApi({
  reducerPath: 'quarryApi',
  baseQuery,
  endpoints: () => ({}),
});
