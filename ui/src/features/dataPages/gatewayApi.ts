// The Oinone gateway's reads and writes as RTK Query endpoints (injected into the one API, so
// gateway data lives in the same cache as REST data). Every call goes through `gql`.
import { emptyApi } from '../../api/emptyApi';
import { gql, toFailure, type GqlFailure } from '../../api/graphql';
import { INTROSPECTION_QUERY, parseModels, type IntrospectionResult, type ModelField, type ModelInfo } from './introspection';

export type GatewayRecord = Record<string, unknown>;

export interface SortOrder {
  field: string;
  direction: 'ASC' | 'DESC';
}

export interface PageArgs {
  module: string;
  model: string;
  typeName: string;
  fields: string[];
  currentPage: number;
  size: number;
  sort?: SortOrder[];
  rsql?: string;
}

export interface PageResult {
  content: GatewayRecord[];
  totalElements: number;
  totalPages: number;
  currentPage: number;
  size: number;
}

export interface WriteArgs {
  module: string;
  model: string;
  typeName: string;
  fields: string[];
  data: GatewayRecord;
}

export interface DeleteArgs {
  module: string;
  model: string;
  typeName: string;
  fields: string[];
  dataList: GatewayRecord[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function selection(fields: string[]): string {
  const safe = fields.filter((f) => NAME.test(f));
  if (!safe.length) throw new Error('no fields to select');
  return safe.join(' ');
}

function checkNames(...names: string[]): void {
  for (const n of names) if (!NAME.test(n)) throw new Error(`invalid GraphQL name ${n}`);
}

/** The documents, exported for tests. */
export function pageDocument(model: string, typeName: string, fields: string[]): string {
  checkNames(model, typeName);
  return `query ${typeName}Page($page: Pagination, $queryWrapper: ${typeName}CondInput) {
  ${model}Query {
    queryPage(page: $page, queryWrapper: $queryWrapper) {
      content { ${selection(fields)} }
      size currentPage totalPages totalElements
    }
  }
}`;
}

export function writeDocument(fn: 'create' | 'update', model: string, typeName: string, fields: string[]): string {
  checkNames(model, typeName);
  return `mutation ${typeName}${fn === 'create' ? 'Create' : 'Update'}($data: ${typeName}Input) {
  ${model}Mutation { ${fn}(data: $data) { ${selection(fields)} } }
}`;
}

export function deleteDocument(model: string, typeName: string, fields: string[]): string {
  checkNames(model, typeName);
  return `mutation ${typeName}Delete($dataList: [${typeName}Input]) {
  ${model}Mutation { delete(dataList: $dataList) { ${selection(fields)} } }
}`;
}

/**
 * A failed call as the endpoint's error: shaped like fetchBaseQuery's CUSTOM_ERROR, with the
 * gateway failure in `data` (read it back with `asFailure`). Cast because the API's error type
 * is whatever its baseQuery declares.
 */
function fail(e: unknown): { error: never } {
  const failure = toFailure(e);
  return { error: { status: 'CUSTOM_ERROR', error: failure.message, data: failure } as never };
}

type PageAnswer = Record<string, { queryPage: Omit<PageResult, 'totalElements'> & { totalElements: string | number } }>;
type WriteAnswer = Record<string, Record<string, GatewayRecord | GatewayRecord[]>>;

export const gatewayApi = emptyApi.enhanceEndpoints({ addTagTypes: ['gatewayModels', 'gatewayRecords'] }).injectEndpoints({
  endpoints: (build) => ({
    gatewayModels: build.query<ModelInfo[], { module: string; pkHints?: Record<string, string[]> }>({
      async queryFn({ module, pkHints }) {
        try {
          const data = await gql<IntrospectionResult>(module, INTROSPECTION_QUERY);
          return { data: parseModels(data, pkHints) };
        } catch (e) {
          return fail(e);
        }
      },
      providesTags: (_r, _e, { module }) => [{ type: 'gatewayModels', id: module }],
    }),
    gatewayPage: build.query<PageResult, PageArgs>({
      async queryFn(args) {
        try {
          const variables = {
            page: {
              currentPage: args.currentPage,
              size: args.size,
              ...(args.sort?.length ? { sort: { orders: args.sort } } : {}),
            },
            queryWrapper: args.rsql ? { rsql: args.rsql } : {},
          };
          const data = await gql<PageAnswer>(args.module, pageDocument(args.model, args.typeName, args.fields), variables);
          const page = data[`${args.model}Query`]!.queryPage;
          return { data: { ...page, totalElements: Number(page.totalElements), content: page.content ?? [] } };
        } catch (e) {
          return fail(e);
        }
      },
      providesTags: (_r, _e, { module, model }) => [{ type: 'gatewayRecords', id: `${module}/${model}` }],
    }),
    gatewayCreate: build.mutation<GatewayRecord, WriteArgs>({
      async queryFn(args) {
        try {
          const data = await gql<WriteAnswer>(
            args.module,
            writeDocument('create', args.model, args.typeName, args.fields),
            { data: args.data },
            { msgLevel: 'SUCCESS' },
          );
          return { data: data[`${args.model}Mutation`]!.create as GatewayRecord };
        } catch (e) {
          return fail(e);
        }
      },
      invalidatesTags: (_r, e, { module, model }) => (e ? [] : [{ type: 'gatewayRecords', id: `${module}/${model}` }]),
    }),
    gatewayUpdate: build.mutation<GatewayRecord, WriteArgs>({
      async queryFn(args) {
        try {
          const data = await gql<WriteAnswer>(
            args.module,
            writeDocument('update', args.model, args.typeName, args.fields),
            { data: args.data },
            { msgLevel: 'SUCCESS' },
          );
          return { data: data[`${args.model}Mutation`]!.update as GatewayRecord };
        } catch (e) {
          return fail(e);
        }
      },
      invalidatesTags: (_r, e, { module, model }) => (e ? [] : [{ type: 'gatewayRecords', id: `${module}/${model}` }]),
    }),
    gatewayDelete: build.mutation<GatewayRecord[], DeleteArgs>({
      async queryFn(args) {
        try {
          const data = await gql<WriteAnswer>(
            args.module,
            deleteDocument(args.model, args.typeName, args.fields),
            { dataList: args.dataList },
            { msgLevel: 'SUCCESS' },
          );
          return { data: (data[`${args.model}Mutation`]!.delete as GatewayRecord[]) ?? [] };
        } catch (e) {
          return fail(e);
        }
      },
      invalidatesTags: (_r, e, { module, model }) => (e ? [] : [{ type: 'gatewayRecords', id: `${module}/${model}` }]),
    }),
  }),
});

export const {
  useGatewayModelsQuery,
  useGatewayPageQuery,
  useGatewayCreateMutation,
  useGatewayUpdateMutation,
  useGatewayDeleteMutation,
} = gatewayApi;

export type { GqlFailure, ModelField, ModelInfo };

/** A failure from a gateway endpoint's `error` (RTK Query types it loosely). */
export function asFailure(error: unknown): GqlFailure | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const data = (error as { data?: unknown }).data;
  if (data && typeof data === 'object' && 'fieldErrors' in data && 'message' in data) return data as GqlFailure;
  if ('message' in error) return { kind: 'network', message: String((error as { message: unknown }).message), fieldErrors: {}, formErrors: [] };
  return undefined;
}
