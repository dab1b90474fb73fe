// One chart in a card: its title, and the chart or a designed "no data yet" state.
import { LineChartOutlined } from '@ant-design/icons';
import { Card, Flex, theme, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useT } from '../../i18n';
import { LineChart, type ChartLine } from './LineChart';
import type { Unit } from './liveMetrics';

export function NoData({ text, height = 200 }: { text: string; height?: number }) {
  const { token } = theme.useToken();
  return (
    <Flex
      vertical
      align="center"
      justify="center"
      gap={8}
      style={{ height, border: `1px dashed ${token.colorBorder}`, borderRadius: token.borderRadius, color: token.colorTextTertiary }}
      data-testid="mon-no-data"
    >
      <LineChartOutlined style={{ fontSize: 28 }} aria-hidden />
      <Typography.Text type="secondary">{text}</Typography.Text>
    </Flex>
  );
}

export function ChartCard({
  testId,
  title,
  lines,
  unit,
  from,
  to,
  empty,
  extra,
}: {
  testId: string;
  title: string;
  lines: readonly ChartLine[];
  unit: Unit;
  from: number;
  to: number;
  empty: boolean;
  extra?: ReactNode;
}) {
  const t = useT();
  return (
    <Card size="small" title={title} extra={extra} data-testid={testId} data-empty={empty ? 'true' : 'false'}>
      {empty ? <NoData text={t('mon.noData')} /> : <LineChart lines={lines} unit={unit} from={from} to={to} label={title} />}
    </Card>
  );
}
