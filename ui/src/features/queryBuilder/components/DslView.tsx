// The query as the server receives it: read-only, copyable JSON.
import { Typography, theme } from 'antd';
import { useT } from '../../../i18n';

export function DslView({ dsl }: { dsl: unknown }) {
  const t = useT();
  const { token } = theme.useToken();
  const text = JSON.stringify(dsl, null, 2);
  return (
    <div style={{ position: 'relative' }}>
      <pre
        data-testid="dsl-view"
        aria-label={t('qb.dsl.title')}
        style={{
          margin: 0,
          padding: 12,
          maxHeight: 360,
          overflow: 'auto',
          background: token.colorFillQuaternary,
          borderRadius: token.borderRadius,
          fontFamily: token.fontFamilyCode,
          fontSize: 12,
        }}
      >
        {text}
      </pre>
      <Typography.Text copyable={{ text, tooltips: [t('qb.sql.copy'), t('qb.sql.copied')] }} style={{ position: 'absolute', top: 6, right: 8 }} />
    </div>
  );
}

export default DslView;
