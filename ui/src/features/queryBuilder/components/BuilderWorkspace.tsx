// The builder's workspace — schema, tables, filters, joins, grouping, sorting, the live SQL and,
// optionally, the run panel — over the `queryBuilder` slice. The query builder page shows it
// with its header; the workflow designer shows it in a dialog to edit a query node's query.
import { Alert, Card, Col, Collapse, Flex, Row, Tabs } from 'antd';
import { useMemo } from 'react';
import { ErrorState } from '../../../common/ErrorState';
import { Loading } from '../../../common/Loading';
import { useAppSelector } from '../../../app/hooks';
import { useT } from '../../../i18n';
import { useLiveValidation } from '../hooks/useLiveValidation';
import { useSchema } from '../hooks/useSchema';
import { fieldsOf } from '../model/schema';
import { type BuilderContextValue } from './BuilderContext';
import { DatasourcePicker, useDatasources } from './DatasourcePicker';
import { DslView } from './DslView';
import { FilterBuilder } from './FilterBuilder';
import { GroupingEditor } from './GroupingEditor';
import { JoinsEditor } from './JoinsEditor';
import { RunPanel } from './RunPanel';
import { SchemaPanel } from './SchemaPanel';
import { SortPagingEditor } from './SortPagingEditor';
import { SqlPreview } from './SqlPreview';
import { TablesEditor } from './TablesEditor';
import { VariablesPanel } from './VariablesPanel';

/** Everything the workspace shows, derived from the slice: schema, live validation, context. */
export function useBuilder() {
  const t = useT();
  const state = useAppSelector((s) => s.queryBuilder);
  const schema = useSchema(state.datasourceId);
  const live = useLiveValidation(state);
  const datasources = useDatasources();
  const datasource = datasources.data?.data?.items.find((d) => d.id === state.datasourceId);

  const context: BuilderContextValue = useMemo(
    () => ({
      schema: schema.tables,
      fields: fieldsOf(state.selectedTables, schema.tables),
      outputNames: [
        ...state.selectedTables.flatMap((x) => x.columns.map((c) => c.as ?? '')),
        ...state.aggregates.map((a) => a.as),
      ].filter((n, i, all) => n && all.indexOf(n) === i),
      dialect: live.validation?.dialect ?? (datasource ? (datasource.type === 'mariadb' ? 'mysql' : datasource.type) : null),
      errors: live.placed,
    }),
    [schema.tables, state.selectedTables, state.aggregates, live.validation, live.placed, datasource],
  );

  const idleReason = !state.datasourceId
    ? t('qb.idle.noDatasource')
    : state.selectedTables.length === 0
      ? t('qb.idle.noTable')
      : live.missingVariables.length
        ? t('qb.idle.variables', { names: live.missingVariables.join(', ') })
        : null;
  const blocked = idleReason ?? (live.validation && !live.validation.valid ? t('qb.idle.invalid') : null);
  const whereFields = context.fields.map((f) => ({ value: f.field, label: `${f.field} · ${f.type}`, kind: f.kind }));

  return { state, datasources, schema, live, context, idleReason, blocked, whereFields };
}

export type Builder = ReturnType<typeof useBuilder>;

export function BuilderWorkspace({ builder, showRun = true, variables }: { builder: Builder; showRun?: boolean; variables?: { title: string; hint: string } }) {
  const t = useT();
  const { state, datasources, schema, live, blocked, idleReason, whereFields } = builder;
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={6}>
        <Card size="small" title={t('qb.schema.title')}>
          <Flex vertical gap={8}>
            <DatasourcePicker />
            {datasources.error ? (
              <ErrorState error={datasources.error} onRetry={datasources.refetch} />
            ) : !state.datasourceId ? null : schema.isLoading ? (
              <Loading minHeight={120} />
            ) : schema.error ? (
              <ErrorState error={schema.error} title={t('qb.schema.failed')} onRetry={schema.refetch} />
            ) : schema.tables.length === 0 ? (
              <Alert type="info" title={t('qb.schema.empty')} />
            ) : (
              <SchemaPanel />
            )}
          </Flex>
        </Card>
      </Col>
      <Col xs={24} lg={18}>
        <Flex vertical gap={16}>
          <Card size="small" title={t('qb.tables.title')}>
            <TablesEditor />
          </Card>
          <VariablesPanel names={live.variables} title={variables?.title} hint={variables?.hint} />
          <Card size="small">
            <Tabs
              items={[
                {
                  key: 'where',
                  label: t('qb.tab.filters'),
                  children: <FilterBuilder root={state.conditions} tree="where" fieldOptions={whereFields} />,
                },
                { key: 'joins', label: t('qb.tab.joins', { n: state.joins.length }), children: <JoinsEditor /> },
                { key: 'group', label: t('qb.tab.group'), children: <GroupingEditor /> },
                { key: 'sort', label: t('qb.tab.sort'), children: <SortPagingEditor /> },
              ]}
            />
          </Card>
          <Card size="small">
            <SqlPreview
              validation={live.validation}
              pending={live.pending}
              failure={live.failure}
              generalErrors={live.placed.general}
              idleReason={idleReason}
            />
            <Collapse
              ghost
              size="small"
              style={{ marginTop: 8 }}
              items={[{ key: 'dsl', label: t('qb.dsl.title'), children: <DslView dsl={live.compiled.dsl} /> }]}
            />
          </Card>
          {showRun && (
            <Card size="small" title={t('qb.result.title')}>
              <RunPanel
                query={live.runnable}
                datasourceId={state.datasourceId}
                blocked={blocked}
                estimatedRows={live.validation?.estimatedRows ?? null}
              />
            </Card>
          )}
        </Flex>
      </Col>
    </Row>
  );
}
