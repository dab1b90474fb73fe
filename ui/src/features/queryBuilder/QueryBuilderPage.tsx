// The visual query builder (route `/query`, `/query?template=<id>`, `/query?history=<id>`):
// schema on the left; tables, joins, filters, grouping and sorting in the middle; the server's
// SQL, warnings and estimates live as the query changes; run, export, save as a template.
import { ClearOutlined, SaveOutlined } from '@ant-design/icons';
import { Alert, Button, Result } from 'antd';
import { useState } from 'react';
import { ErrorState } from '../../common/ErrorState';
import { Loading } from '../../common/Loading';
import { PageHeader } from '../../common/PageHeader';
import { usePermission } from '../../common/PermissionGate';
import { useAppDispatch } from '../../app/hooks';
import { useT } from '../../i18n';
import { SaveTemplateModal } from '../templates/SaveTemplateModal';
import { BuilderContext } from './components/BuilderContext';
import { BuilderWorkspace, useBuilder } from './components/BuilderWorkspace';
import { useLoadQuery } from './hooks/useLoadQuery';
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
  const [saving, setSaving] = useState(false);
  const load = useLoadQuery();
  const builder = useBuilder();
  const { state, live, context } = builder;
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
      <BuilderWorkspace builder={builder} />
      <SaveTemplateModal
        open={saving}
        onClose={() => setSaving(false)}
        query={live.compiled.dsl}
        datasourceId={state.datasourceId}
      />
    </BuilderContext.Provider>
  );
}
