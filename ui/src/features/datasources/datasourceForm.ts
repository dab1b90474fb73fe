// The datasource form's values ↔ the API's body, and server `errors[]` → form fields.
import type { FieldError } from '../../api/errors';
import type { DatasourceBody, DatasourceType, DatasourceView } from './types';

export interface DatasourceFormValues {
  name: string;
  code: string;
  type: DatasourceType;
  host: string;
  port: number | null;
  database: string;
  username: string;
  /** Empty on edit means "keep the stored password". */
  password: string;
  /** On edit: remove the stored password. */
  clearPassword: boolean;
  ssl: boolean;
  timezone: string;
  poolSize: number | null;
  timeout: number | null;
  maxRetries: number | null;
  isDefault: boolean;
  readOnly: boolean;
  /** Save even when the connection test fails. */
  verify: boolean;
}

export const DEFAULT_PORTS: Record<DatasourceType, number | null> = { mysql: 3306, postgres: 5432, sqlite: null };

export function isNetworked(type: DatasourceType): boolean {
  return type !== 'sqlite';
}

export function emptyValues(type: DatasourceType = 'mysql'): DatasourceFormValues {
  return {
    name: '',
    code: '',
    type,
    host: '',
    port: DEFAULT_PORTS[type],
    database: '',
    username: '',
    password: '',
    clearPassword: false,
    ssl: false,
    timezone: '',
    poolSize: null,
    timeout: null,
    maxRetries: null,
    isDefault: false,
    readOnly: false,
    verify: true,
  };
}

function asType(kind: string): DatasourceType {
  if (kind === 'postgres' || kind === 'postgresql') return 'postgres';
  if (kind === 'sqlite') return 'sqlite';
  return 'mysql';
}

/** A saved datasource as form values (its password is never returned: left empty). */
export function fromView(view: DatasourceView): DatasourceFormValues {
  const type = asType(view.type);
  return {
    name: view.name,
    code: view.code,
    type,
    host: view.connection.host,
    port: isNetworked(type) ? view.connection.port : null,
    database: view.connection.database,
    username: view.connection.username,
    password: '',
    clearPassword: false,
    ssl: view.connection.ssl,
    timezone: view.connection.timezone ?? '',
    poolSize: view.options.poolSize,
    timeout: view.options.timeout,
    maxRetries: view.options.maxRetries,
    isDefault: view.isDefault,
    readOnly: view.readOnly,
    verify: true,
  };
}

const blankToUndefined = (s: string) => (s.trim() === '' ? undefined : s.trim());
const nullToUndefined = (n: number | null | undefined) => (n === null || n === undefined ? undefined : n);

/**
 * The request body. `mode: 'update'` leaves an empty password out (the server keeps the stored
 * one) unless `clearPassword` asks to remove it (`""`).
 */
export function toBody(values: DatasourceFormValues, mode: 'create' | 'update' | 'test'): DatasourceBody {
  const networked = isNetworked(values.type);
  let password: string | undefined;
  if (mode === 'update' && values.clearPassword) password = '';
  else if (values.password !== '') password = values.password;
  const body: DatasourceBody = {
    // The server validates a test's settings as a whole, name included; a test before the name is
    // typed is named after its type (the name is not stored by a test).
    name: values.name.trim() || (mode === 'test' ? values.type : ''),
    type: values.type,
    connection: {
      database: values.database.trim(),
      ...(networked
        ? {
            host: values.host.trim(),
            port: nullToUndefined(values.port),
            username: values.username.trim(),
            password,
            ssl: values.ssl,
            timezone: blankToUndefined(values.timezone),
          }
        : {}),
    },
    options: {
      poolSize: nullToUndefined(values.poolSize),
      timeout: nullToUndefined(values.timeout),
      maxRetries: nullToUndefined(values.maxRetries),
    },
  };
  if (mode !== 'test') {
    // The code names the gateway module; it is fixed once created.
    const code = blankToUndefined(values.code);
    if (code && mode === 'create') body.code = code;
    body.isDefault = values.isDefault;
    body.readOnly = values.readOnly;
    body.verify = values.verify;
  }
  return body;
}

/** Where each server path lands in the form. */
const PATH_TO_FIELD: Record<string, keyof DatasourceFormValues> = {
  name: 'name',
  code: 'code',
  type: 'type',
  'connection.host': 'host',
  'connection.port': 'port',
  'connection.database': 'database',
  'connection.username': 'username',
  'connection.password': 'password',
  'connection.ssl': 'ssl',
  'connection.timezone': 'timezone',
  'options.poolSize': 'poolSize',
  'options.timeout': 'timeout',
  'options.maxRetries': 'maxRetries',
  isDefault: 'isDefault',
  readOnly: 'readOnly',
};

export interface MappedErrors {
  fields: { name: keyof DatasourceFormValues; errors: string[] }[];
  /** Errors that name no field of the form. */
  other: string[];
}

/** Server `errors[]` as antd `setFields` entries, plus what fits no field. */
export function mapFieldErrors(errors: readonly FieldError[]): MappedErrors {
  const byField = new Map<keyof DatasourceFormValues, string[]>();
  const other: string[] = [];
  for (const e of errors) {
    const field = PATH_TO_FIELD[e.path];
    if (field) byField.set(field, [...(byField.get(field) ?? []), e.message]);
    else other.push(e.path && e.path !== 'body' ? `${e.path}: ${e.message}` : e.message);
  }
  return { fields: [...byField].map(([name, errs]) => ({ name, errors: errs })), other };
}
