// A query's rows in a virtualised grid (antd Table `virtual`): only the visible rows are
// rendered, so 100,000 rows scroll smoothly. Shared by the builder and template runs.
import { Flex, Table, Tag, Typography, theme } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo } from 'react';
import { useT } from '../../../i18n';
import { cellText, type QueryResult, type Row } from '../model/results';

const COLUMN_WIDTH = 160;
const MIN_WIDTH = 90;

export function ResultGrid({ result, height = 420 }: { result: QueryResult; height?: number }) {
  const t = useT();
  const { token } = theme.useToken();
  // Row keys without copying the rows: each row object to its index.
  const keys = useMemo(() => new WeakMap(result.rows.map((r, i) => [r, i] as const)), [result.rows]);
  const columns: ColumnsType<Row> = useMemo(
    () =>
      result.columns.map((name) => {
        // Width from the header and a sample of values, within bounds.
        const sample = result.rows.slice(0, 50).reduce((w, r) => Math.max(w, cellText(r[name]).length), name.length);
        const width = Math.max(MIN_WIDTH, Math.min(COLUMN_WIDTH * 2, sample * 8 + 32));
        return {
          key: name,
          dataIndex: name,
          title: name,
          width,
          ellipsis: true,
          render: (v: unknown) =>
            v === null || v === undefined ? (
              <Typography.Text type="secondary" italic>
                NULL
              </Typography.Text>
            ) : (
              cellText(v)
            ),
        };
      }),
    [result.columns, result.rows],
  );
  const width = columns.reduce((w, c) => w + Number(c.width ?? COLUMN_WIDTH), 0);
  return (
    <Flex vertical gap={8} data-testid="result-grid">
      <Flex gap={12} wrap align="center">
        <Typography.Text data-testid="result-count">{t('qb.result.rows', { n: result.count.toLocaleString() })}</Typography.Text>
        {result.total !== null && (
          <Typography.Text type="secondary">{t('qb.result.total', { n: result.total.toLocaleString() })}</Typography.Text>
        )}
        {result.processingTime !== null && (
          <Typography.Text type="secondary" data-testid="result-time">
            {t('qb.result.time', { ms: result.processingTime.toFixed(1) })}
          </Typography.Text>
        )}
        {result.cached ? (
          <Tag color="green" data-testid="result-cached">
            {t('qb.result.cached')}
          </Tag>
        ) : (
          <Tag>{t('qb.result.fresh')}</Tag>
        )}
        {result.datasource && <Tag color="blue">{result.datasource}</Tag>}
      </Flex>
      <Table<Row>
        virtual
        size="small"
        bordered
        columns={columns}
        dataSource={result.rows}
        rowKey={(r) => String(keys.get(r) ?? '')}
        pagination={false}
        scroll={{ x: Math.max(width, 400), y: height }}
        locale={{ emptyText: t('qb.result.empty') }}
        style={{ border: `1px solid ${token.colorBorderSecondary}`, borderRadius: token.borderRadius }}
      />
    </Flex>
  );
}

export default ResultGrid;
