// The selected node's input and output as formatted JSON.
import { Card, Col, Empty, Row, Typography, theme } from 'antd';
import { useT } from '../../../i18n';
import type { ExecutionNodeView } from './executionModel';
import { prettyJson } from './format';

function JsonBlock({ label, value, testId }: { label: string; value: unknown; testId: string }) {
  const t = useT();
  const { token } = theme.useToken();
  const text = prettyJson(value);
  return (
    <Card
      size="small"
      title={label}
      extra={text && <Typography.Text copyable={{ text, tooltips: [t('wfx.copy'), t('wfx.copied')] }} />}
      styles={{ body: { padding: 0 } }}
    >
      {text ? (
        <pre
          data-testid={testId}
          aria-label={label}
          style={{
            margin: 0,
            padding: 12,
            maxHeight: 320,
            overflow: 'auto',
            background: token.colorFillQuaternary,
            fontFamily: token.fontFamilyCode,
            fontSize: 12,
          }}
        >
          {text}
        </pre>
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('wfx.detail.none')} data-testid={testId} />
      )}
    </Card>
  );
}

export function NodeDetail({ node }: { node?: ExecutionNodeView }) {
  const t = useT();
  if (!node) {
    return (
      <div data-testid="execution-node-detail">
        <Typography.Text type="secondary">{t('wfx.detail.pick')}</Typography.Text>
      </div>
    );
  }
  return (
    <div data-testid="execution-node-detail" data-node-id={node.nodeId}>
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        {t('wfx.detail.title', { node: node.name || node.nodeId })}
      </Typography.Title>
      {node.outcome && (
        <Typography.Paragraph type="secondary">{t('wfx.detail.outcome', { outcome: node.outcome })}</Typography.Paragraph>
      )}
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={12}>
          <JsonBlock label={t('wfx.detail.input')} value={node.input} testId="execution-node-input" />
        </Col>
        <Col xs={24} lg={12}>
          <JsonBlock label={t('wfx.detail.output')} value={node.output} testId="execution-node-output" />
        </Col>
      </Row>
    </div>
  );
}

export default NodeDetail;
