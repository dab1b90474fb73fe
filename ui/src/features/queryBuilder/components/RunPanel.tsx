// Runs the query (flat rows into the virtualised grid) or exports it as CSV / Excel, following the
// run's `query-progress` events; with a timeout option.
import { DownloadOutlined, FileExcelOutlined, PlayCircleOutlined } from '@ant-design/icons';
import { Alert, Button, Flex, InputNumber, Progress, Space, Typography } from 'antd';
import { useState } from 'react';
import { apiFetch } from '../../../api/apiFetch';
import { errorMessage, isApiError } from '../../../api/errors';
import { useExecuteQueryMutation } from '../../../api/generated';
import { notify } from '../../../app/notify';
import { useT } from '../../../i18n';
import { newProgressId, useQueryProgress } from '../hooks/useQueryProgress';
import { downloadFile } from '../model/download';
import { readResult } from '../model/results';
import type { Dsl } from '../model/types';
import { ResultGrid } from './ResultGrid';

export interface RunPanelProps {
  query: Dsl;
  datasourceId: string | null;
  /** Why it cannot run now (null: it can). */
  blocked: string | null;
  estimatedRows: number | null;
}

export function RunPanel({ query, datasourceId, blocked, estimatedRows }: RunPanelProps) {
  const t = useT();
  const [timeoutSec, setTimeoutSec] = useState<number | null>(30);
  const [execute, run] = useExecuteQueryMutation();
  const { progress, follow } = useQueryProgress();
  const [exporting, setExporting] = useState<'csv' | 'excel' | null>(null);
  const options = { timeout: (timeoutSec ?? 30) * 1000 };

  const onRun = () => {
    void execute({ executeBody: { query, datasourceId, options: { ...options, shape: 'rows' } } });
  };

  const onExport = async (format: 'csv' | 'excel') => {
    const progressId = newProgressId();
    setExporting(format);
    const stop = await follow(progressId);
    try {
      const name = await downloadFile(apiFetch, {
        path: '/api/v1/query/execute',
        body: { query, datasourceId, options: { ...options, format, progressId } },
        fallbackName: format === 'csv' ? 'query.csv' : 'query.xlsx',
      });
      notify({ level: 'success', title: t('qb.export.done'), description: name });
    } catch (e) {
      // The API client has already told the user about server errors.
      if (!isApiError(e)) notify({ level: 'error', title: t('qb.export.failed'), description: errorMessage(e) });
    } finally {
      stop();
      setExporting(null);
    }
  };

  const result = run.data ? readResult(run.data) : null;
  const runError = run.error;
  const percent =
    progress && estimatedRows && estimatedRows > 0 ? Math.min(99, Math.round((progress.rows / estimatedRows) * 100)) : undefined;
  return (
    <Flex vertical gap={12}>
      <Flex gap={8} wrap align="center">
        <Button
          type="primary"
          icon={<PlayCircleOutlined />}
          data-testid="run"
          loading={run.isLoading}
          disabled={blocked !== null}
          onClick={onRun}
        >
          {t('qb.run.run')}
        </Button>
        <Button
          icon={<DownloadOutlined />}
          data-testid="export-csv"
          loading={exporting === 'csv'}
          disabled={blocked !== null || exporting !== null}
          onClick={() => void onExport('csv')}
        >
          {t('qb.run.csv')}
        </Button>
        <Button
          icon={<FileExcelOutlined />}
          data-testid="export-excel"
          loading={exporting === 'excel'}
          disabled={blocked !== null || exporting !== null}
          onClick={() => void onExport('excel')}
        >
          {t('qb.run.excel')}
        </Button>
        <Space size={4}>
          <Typography.Text type="secondary">{t('qb.run.timeout')}</Typography.Text>
          <InputNumber
            data-testid="timeout"
            aria-label={t('qb.run.timeout')}
            min={1}
            max={600}
            precision={0}
            value={timeoutSec}
            onChange={(v) => setTimeoutSec(typeof v === 'number' ? v : null)}
            suffix={t('qb.run.seconds')}
            style={{ width: 110 }}
          />
        </Space>
        {blocked && <Typography.Text type="secondary">{blocked}</Typography.Text>}
      </Flex>
      {exporting && progress && (
        <div data-testid="export-progress">
          <Typography.Text type="secondary">
            {t(`qb.progress.${progress.phase}`)} · {t('qb.progress.rows', { n: progress.rows.toLocaleString() })} ·{' '}
            {t('qb.result.time', { ms: progress.elapsedMs })}
          </Typography.Text>
          <Progress percent={percent ?? 0} status={progress.phase === 'failed' ? 'exception' : 'active'} showInfo={percent !== undefined} />
        </div>
      )}
      {runError && (
        <Alert
          type="error"
          showIcon
          data-testid="run-error"
          title={t('qb.run.failed')}
          description={
            <>
              <div>{errorMessage(runError)}</div>
              {isApiError(runError) &&
                runError.errors.map((e, i) => (
                  <div key={i}>
                    <Typography.Text code>{e.path}</Typography.Text> {e.message}
                  </div>
                ))}
            </>
          }
        />
      )}
      {result ? (
        <ResultGrid result={result} />
      ) : (
        !runError && (
          <Typography.Text type="secondary" data-testid="result-placeholder">
            {run.isLoading ? t('qb.run.running') : t('qb.run.hint')}
          </Typography.Text>
        )
      )}
    </Flex>
  );
}

export default RunPanel;
