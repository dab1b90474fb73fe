// The visual query builder (route `/query`, `/query?template=<id>`, `/query?history=<id>`):
// schema on the left; tables, joins, filters, grouping and sorting in the middle; the server's
// SQL, warnings and estimates live as the query changes; run, export, save as a template.
import { ClearOutlined, SaveOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Collapse, Flex, Result, Row, Tabs } from 'antd';
import { useMemo, useState } from 'react';
import { ErrorState } from '../../common/ErrorState';
import { Loading } from '../../common/Loading';
import { PageHeader } from '../../common/PageHeader';
import { usePermission } from '../../common/PermissionGate';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { useT } from '../../i18n';
import { SaveTemplateModal } from '../templates/SaveTemplateModal';
import { BuilderContext, type BuilderContextValue } from './components/BuilderContext';
import { DatasourcePicker, useDatasources } from './components/DatasourcePicker';
import { DslView } from './components/DslView';
import { FilterBuilder } from './components/FilterBuilder';
import { GroupingEditor } from './components/GroupingEditor';
import { JoinsEditor } from './components/JoinsEditor';
import { RunPanel } from './components/RunPanel';
import { SchemaPanel } from './components/SchemaPanel';
import { SortPagingEditor } from './components/SortPagingEditor';
import { SqlPreview } from './components/SqlPreview';
import { TablesEditor } from './components/TablesEditor';
import { VariablesPanel } from './components/VariablesPanel';
import { useLiveValidation } from './hooks/useLiveValidation';
import { useLoadQuery } from './hooks/useLoadQuery';
import { useSchema } from './hooks/useSchema';
import { fieldsOf } from './model/schema';
import { queryBuilderActions as qb } from './queryBuilderSlice';

export default function QueryBuilderPage() {
  const t = useT();
  const allowed = usePermission('query:execute');
  if (!allowed) return <Result status="403" title={t('error.forbidden')} subTitle={t('qb.forbidden')} />;
  return <Builder />;
}

function Builder() {
  const t = useT();
  const dispatch = useAppDispatch();
  const state = useAppSelector((s) => s.queryBuilder);
  const [saving, setSaving] = useState(false);
  const load = useLoadQuery();
  const datasources = useDatasources();
  const schema = useSchema(state.datasourceId);
  const live = useLiveValidation(state);
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

  if (load.templateError) {
    return <ErrorState error={load.templateError} title={t('qb.load.templateFailed')} onRetry={load.refetchTemplate} />;
  }

  return (
    <BuilderContext.Provider value={context}>
      <PageHeader
        title={t('qb.title')}
        subtitle={load.templateName ? t('qb.fromTemplate', { name: load.templateName }) : t('qb.subtitle')}
        extra={
          <>
            <Button icon={<ClearOutlined />} data-testid="reset-query" onClick={() => dispatch(qb.queryReset())}>
              {t('qb.reset')}
            </Button>
            <Button
              type="primary"
              icon={<SaveOutlined />}
              data-testid="save-template"
              disabled={state.selectedTables.length === 0}
              onClick={() => setSaving(true)}
            >
              {t('qb.saveTemplate')}
            </Button>
          </>
        }
      />
      {load.loading && <Loading tip={t('qb.load.loading')} minHeight={80} />}
      {load.historyError && (
        <Alert
          type="warning"
          showIcon
          closable
          style={{ marginBottom: 12 }}
          title={t('qb.load.historyFailed')}
          description={load.historyError === 'notFound' ? t('qb.load.historyNotFound') : load.historyError}
        />
      )}
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
            <VariablesPanel names={live.variables} />
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
            <Card size="small" title={t('qb.result.title')}>
              <RunPanel
                query={live.runnable}
                datasourceId={state.datasourceId}
                blocked={blocked}
                estimatedRows={live.validation?.estimatedRows ?? null}
              />
            </Card>
          </Flex>
        </Col>
      </Row>
      <SaveTemplateModal
        open={saving}
        onClose={() => setSaving(false)}
        query={live.compiled.dsl}
        datasourceId={state.datasourceId}
      />
    </BuilderContext.Provider>
  );
}
