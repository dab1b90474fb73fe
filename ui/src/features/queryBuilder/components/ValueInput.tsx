// The value of one condition, adapted to its operator (single, list, pair, null flag) and to the
// column's type (numbers typed as numbers, booleans, dates as ISO text, `${variables}` kept).
import { Input, Select, Space } from 'antd';
import { useT } from '../../../i18n';
import type { JsonValue, Operator } from '../model/types';
import { coerceValue, displayValue, valueShape, type ValueKind } from '../model/values';

export interface ValueInputProps {
  operator: Operator;
  value: JsonValue;
  kind: ValueKind | undefined;
  onChange: (value: JsonValue) => void;
  status?: 'error';
}

function placeholderFor(kind: ValueKind | undefined, t: (k: string) => string): string {
  switch (kind) {
    case 'integer':
    case 'decimal':
      return t('qb.value.number');
    case 'date':
      return t('qb.value.date');
    default:
      return t('qb.value.text');
  }
}

export function ValueInput({ operator, value, kind, onChange, status }: ValueInputProps) {
  const t = useT();
  const k = kind ?? 'text';
  const shape = valueShape(operator);
  if (shape === 'flag') {
    return (
      <Select
        data-testid="value-input"
        aria-label={t('qb.value.label')}
        style={{ minWidth: 140 }}
        value={value === false ? 'false' : 'true'}
        onChange={(v) => onChange(v === 'true')}
        options={[
          { value: 'true', label: t('qb.value.isNull') },
          { value: 'false', label: t('qb.value.isNotNull') },
        ]}
      />
    );
  }
  if (shape === 'list') {
    const list = Array.isArray(value) ? value : [];
    return (
      <Select
        data-testid="value-input"
        aria-label={t('qb.value.label')}
        mode="tags"
        status={status}
        style={{ minWidth: 200 }}
        tokenSeparators={[',']}
        placeholder={t('qb.value.list')}
        value={list.map(displayValue)}
        onChange={(items: string[]) => onChange(items.map((s) => coerceValue(s, k)))}
        open={false}
        suffixIcon={null}
      />
    );
  }
  if (shape === 'pair') {
    const pair = Array.isArray(value) ? value : ['', ''];
    const set = (i: 0 | 1, text: string) => {
      const next: JsonValue[] = [pair[0] ?? '', pair[1] ?? ''];
      next[i] = coerceValue(text, k);
      onChange(next);
    };
    return (
      <Space.Compact>
        <Input
          data-testid="value-input-low"
          aria-label={t('qb.value.low')}
          status={status}
          style={{ width: 130 }}
          placeholder={placeholderFor(kind, t)}
          value={displayValue(pair[0])}
          onChange={(e) => set(0, e.target.value)}
        />
        <Input
          data-testid="value-input-high"
          aria-label={t('qb.value.high')}
          status={status}
          style={{ width: 130 }}
          placeholder={placeholderFor(kind, t)}
          value={displayValue(pair[1])}
          onChange={(e) => set(1, e.target.value)}
        />
      </Space.Compact>
    );
  }
  if (k === 'boolean') {
    return (
      <Select
        data-testid="value-input"
        aria-label={t('qb.value.label')}
        status={status}
        style={{ minWidth: 110 }}
        value={displayValue(value) || undefined}
        onChange={(v: string) => onChange(coerceValue(v, 'boolean'))}
        options={[
          { value: 'true', label: t('qb.value.true') },
          { value: 'false', label: t('qb.value.false') },
        ]}
      />
    );
  }
  return (
    <Input
      data-testid="value-input"
      aria-label={t('qb.value.label')}
      status={status}
      style={{ width: 200 }}
      placeholder={placeholderFor(kind, t)}
      value={displayValue(value)}
      onChange={(e) => onChange(coerceValue(e.target.value, k))}
    />
  );
}

export default ValueInput;
