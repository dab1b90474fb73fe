// Validates the builder's query as it changes (debounced): the server's SQL, warnings with index
// advice, estimates, and errors placed on the part of the builder they concern.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useValidateMutation, type ValidateApiResponse } from '../../../api/generated';
import { errorMessage } from '../../../api/errors';
import { silenceEndpoints } from '../../../api/silence';
import { compileQuery, locateError, targetKey, type Compiled } from '../model/dsl';
import type { QueryBuilderState } from '../model/types';
import { placeholders, substituteVariables } from '../model/variables';

export type Validation = NonNullable<ValidateApiResponse['data']>;

export interface PlacedErrors {
  /** Messages by `targetKey` of the part of the builder they concern. */
  byTarget: Map<string, string[]>;
  /** Messages that concern no one part. */
  general: string[];
}

interface ServerError {
  path?: string;
  message?: string;
}

export function placeErrors(errors: readonly unknown[], compiled: Compiled): PlacedErrors {
  const byTarget = new Map<string, string[]>();
  const general: string[] = [];
  for (const raw of errors) {
    const e = (raw ?? {}) as ServerError;
    const message = e.message ?? String(raw);
    const target = e.path ? locateError(e.path, compiled.paths) : undefined;
    if (!target) {
      general.push(e.path && e.path !== 'query' ? `${e.path}: ${message}` : message);
      continue;
    }
    const key = targetKey(target);
    byTarget.set(key, [...(byTarget.get(key) ?? []), message]);
  }
  return { byTarget, general };
}

// Live validation shows its own errors next to the builder; no global notification per keystroke.
silenceEndpoints(['validate']);

export const VALIDATE_DELAY_MS = 400;

export function useLiveValidation(state: QueryBuilderState, delay = VALIDATE_DELAY_MS) {
  const compiled = useMemo(() => compileQuery(state), [state]);
  const variables = useMemo(() => placeholders(compiled.dsl), [compiled]);
  const missingVariables = variables.filter((v) => !(state.variableValues[v] ?? '').trim());
  /** What is sent: the DSL with test values for its variables. */
  const runnable = useMemo(
    () => (variables.length ? substituteVariables(compiled.dsl, state.variableValues) : compiled.dsl),
    [compiled, variables, state.variableValues],
  );
  const [validate] = useValidateMutation();
  const [result, setResult] = useState<{ data: Validation; compiled: Compiled } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const sequence = useRef(0);

  const ready = Boolean(state.datasourceId) && compiled.dsl.tables.length > 0 && missingVariables.length === 0;
  const body = useMemo(() => JSON.stringify({ ...runnable, datasourceId: state.datasourceId }), [runnable, state.datasourceId]);

  useEffect(() => {
    const mine = ++sequence.current;
    if (!ready) {
      setResult(null);
      setFailure(null);
      setPending(false);
      return;
    }
    setPending(true);
    const timer = setTimeout(() => {
      validate({ body: JSON.parse(body) as object })
        .unwrap()
        .then((answer) => {
          if (mine !== sequence.current || !answer.data) return;
          setResult({ data: answer.data, compiled });
          setFailure(null);
        })
        .catch((e: unknown) => {
          if (mine === sequence.current) setFailure(errorMessage(e));
        })
        .finally(() => {
          if (mine === sequence.current) setPending(false);
        });
    }, delay);
    return () => clearTimeout(timer);
    // `compiled` follows `body`; the paths used are those of the query that was validated.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [body, ready, delay, validate]);

  const placed = useMemo(
    () => (result && !result.data.valid ? placeErrors(result.data.errors ?? [], result.compiled) : { byTarget: new Map(), general: [] }),
    [result],
  );

  return { compiled, runnable, variables, missingVariables, validation: result?.data ?? null, placed, pending, failure };
}
