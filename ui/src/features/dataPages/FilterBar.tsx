// The RSQL filter bar: structured rows (field + operator + value, joined by AND or OR) or raw
// RSQL text. "Apply" hands the filter text to the page; an empty filter means "everything".
import { useState } from 'react';
import { Button, Card, Input, Radio, Segmented, Select, Space, Tooltip, Typography } from 'antd';
import { DeleteOutlined, FilterOutlined, PlusOutlined } from '@ant-design/icons';
import { useT } from '../../i18n';
import type { ModelField } from './introspection';
import { buildRsql, operatorInfo, operatorsFor, type Combinator, type FilterRow } from './rsql';

export interface FilterBarProps {
  fields: ModelField[];
  /** The filter currently applied (shown under the bar). */
  applied: string;
  onApply: (rsql: string) => void;
}

interface Row extends FilterRow {
  id: number;
}

let nextId = 1;

function newRow(fields: ModelField[]): Row {
  const field = fields[0];
  return { id: nextId++, field: field?.name ?? '', op: '==', value: '' };
}

export function FilterBar({ fields, applied, onApply }: FilterBarProps) {
  const t = useT();
  const [mode, setMode] = useState<'structured' | 'raw'>('structured');
  const [combinator, setCombinator] = useState<Combinator>('and');
  const [rows, setRows] = useState<Row[]>(() => [newRow(fields)]);
  const [raw, setRaw] = useState('');

  const typeOf = (name: string) => fields.find((f) => f.name === name)?.type ?? 'String';
  const change = (id: number, patch: Partial<FilterRow>) =>
    setRows((current) => current.map((r) => (r.id === id ? { ...r, ...patch } : r)));

  const onFieldChange = (row: Row, field: string) => {
    // Keep the operator when the new field offers it.
    const ops = operatorsFor(typeOf(field)).map((o) => o.op);
    change(row.id, { field, op: ops.includes(row.op) ? row.op : '==' });
  };

  const onOperatorChange = (row: Row, op: string) => {
    const before = operatorInfo(row.op)?.arity;
    const after = operatorInfo(op)?.arity;
    let value = row.value;
    if (before !== after) value = after === 'list' ? [] : after === 'bool' ? 'true' : '';
    change(row.id, { op, value });
  };

  const structured = buildRsql(rows, combinator);
  const apply = () => onApply(mode === 'raw' ? raw.trim() : structured);

  const clear = () => {
    setRows([newRow(fields)]);
    setRaw('');
    onApply('');
  };

  const switchMode = (next: 'structured' | 'raw') => {
    if (next === 'raw' && !raw.trim()) setRaw(structured);
    setMode(next);
  };

  const valueInput = (row: Row, index: number) => {
    const info = operatorInfo(row.op);
    const label = `${t('dataPages.filter.value')} ${index + 1}`;
    if (info?.arity === 'bool') {
      return (
        <Radio.Group
          aria-label={label}
          data-testid={`filter-value-${index}`}
          value={row.value === 'false' ? 'false' : 'true'}
          onChange={(e) => change(row.id, { value: e.target.value as string })}
          options={[
            { value: 'true', label: t('dataPages.filter.yes') },
            { value: 'false', label: t('dataPages.filter.no') },
          ]}
        />
      );
    }
    if (info?.arity === 'list') {
      return (
        <Select
          mode="tags"
          aria-label={label}
          data-testid={`filter-value-${index}`}
          placeholder={t('dataPages.filter.values')}
          value={Array.isArray(row.value) ? row.value : row.value ? [row.value] : []}
          onChange={(value: string[]) => change(row.id, { value })}
          tokenSeparators={[',']}
          open={false}
          style={{ minWidth: 220 }}
        />
      );
    }
    return (
      <Input
        aria-label={label}
        data-testid={`filter-value-${index}`}
        placeholder={t('dataPages.filter.value')}
        value={Array.isArray(row.value) ? row.value.join(',') : row.value}
        onChange={(e) => change(row.id, { value: e.target.value })}
        onPressEnter={apply}
        style={{ width: 220 }}
      />
    );
  };

  return (
    <Card size="small" style={{ marginBottom: 16 }} data-testid="filter-bar">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }} wrap>
        <Segmented
          data-testid="filter-mode"
          value={mode}
          onChange={(v) => switchMode(v as 'structured' | 'raw')}
          options={[
            { value: 'structured', label: t('dataPages.filter.structured') },
            { value: 'raw', label: t('dataPages.filter.raw') },
          ]}
        />
        {mode === 'structured' && (
          <Space>
            <Typography.Text type="secondary">{t('dataPages.filter.match')}</Typography.Text>
            <Radio.Group
              data-testid="filter-combinator"
              value={combinator}
              onChange={(e) => setCombinator(e.target.value as Combinator)}
              options={[
                { value: 'and', label: t('dataPages.filter.and') },
                { value: 'or', label: t('dataPages.filter.or') },
              ]}
            />
          </Space>
        )}
      </Space>

      {mode === 'structured' ? (
        <Space orientation="vertical" style={{ width: '100%' }}>
          {rows.map((row, index) => (
            <Space key={row.id} wrap data-testid={`filter-row-${index}`}>
              <Select
                showSearch={{ optionFilterProp: 'label' }}
                virtual={false}
                aria-label={`${t('dataPages.filter.field')} ${index + 1}`}
                data-testid={`filter-field-${index}`}
                value={row.field || undefined}
                placeholder={t('dataPages.filter.field')}
                onChange={(field: string) => onFieldChange(row, field)}
                options={fields.map((f) => ({ value: f.name, label: `${f.name} (${f.type})` }))}
                style={{ width: 220 }}
              />
              <Select
                showSearch={{ optionFilterProp: 'label' }}
                virtual={false}
                aria-label={`${t('dataPages.filter.operator')} ${index + 1}`}
                data-testid={`filter-operator-${index}`}
                value={row.op}
                onChange={(op: string) => onOperatorChange(row, op)}
                options={operatorsFor(typeOf(row.field)).map((o) => ({ value: o.op, label: `${o.op}  ${t(`dataPages.op.${o.op}`)}` }))}
                style={{ width: 240 }}
              />
              {valueInput(row, index)}
              <Tooltip title={t('dataPages.filter.removeRow')}>
                <Button
                  aria-label={`${t('dataPages.filter.removeRow')} ${index + 1}`}
                  icon={<DeleteOutlined />}
                  disabled={rows.length === 1}
                  onClick={() => setRows((current) => current.filter((r) => r.id !== row.id))}
                />
              </Tooltip>
            </Space>
          ))}
          <Button type="dashed" icon={<PlusOutlined />} onClick={() => setRows((current) => [...current, newRow(fields)])} data-testid="filter-add">
            {t('dataPages.filter.addRow')}
          </Button>
        </Space>
      ) : (
        <>
          <Input.TextArea
            data-testid="filter-raw"
            aria-label={t('dataPages.filter.raw')}
            value={raw}
            onChange={(e) => setRaw(e.target.value)}
            placeholder={t('dataPages.filter.rawPlaceholder')}
            autoSize={{ minRows: 2, maxRows: 6 }}
            style={{ fontFamily: 'monospace' }}
          />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('dataPages.filter.rawHelp')}
          </Typography.Text>
        </>
      )}

      <Space style={{ width: '100%', justifyContent: 'space-between', marginTop: 12 }} wrap>
        <Typography.Text type="secondary" data-testid="filter-applied" code={!!applied}>
          {applied ? t('dataPages.filter.preview', { rsql: applied }) : t('dataPages.filter.none')}
        </Typography.Text>
        <Space>
          <Button onClick={clear} data-testid="filter-clear">
            {t('dataPages.filter.clear')}
          </Button>
          <Button type="primary" icon={<FilterOutlined />} onClick={apply} data-testid="filter-apply">
            {t('dataPages.filter.apply')}
          </Button>
        </Space>
      </Space>
    </Card>
  );
}
