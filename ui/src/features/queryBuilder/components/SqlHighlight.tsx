// SQL with syntax highlighting from our own tokenizer (model/sqlTokenizer.ts).
import { theme } from 'antd';
import { useMemo, type CSSProperties } from 'react';
import { tokenize, type TokenType } from '../model/sqlTokenizer';

export function SqlHighlight({ sql, testId, style }: { sql: string; testId?: string; style?: CSSProperties }) {
  const { token } = theme.useToken();
  const colors: Partial<Record<TokenType, CSSProperties>> = {
    keyword: { color: token.colorPrimary, fontWeight: 600 },
    function: { color: token.purple },
    string: { color: token.colorSuccess },
    number: { color: token.orange },
    comment: { color: token.colorTextTertiary, fontStyle: 'italic' },
    identifier: { color: token.colorText },
    parameter: { color: token.magenta },
    operator: { color: token.colorTextSecondary },
  };
  const tokens = useMemo(() => tokenize(sql), [sql]);
  return (
    <pre
      data-testid={testId}
      style={{
        margin: 0,
        padding: 12,
        borderRadius: token.borderRadius,
        background: token.colorFillQuaternary,
        fontFamily: token.fontFamilyCode,
        fontSize: 13,
        whiteSpace: 'pre-wrap',
        wordBreak: 'break-word',
        ...style,
      }}
    >
      <code>
        {tokens.map((t, i) => (
          <span key={i} className={`sql-${t.type}`} style={colors[t.type]}>
            {t.text}
          </span>
        ))}
      </code>
    </pre>
  );
}

export default SqlHighlight;
