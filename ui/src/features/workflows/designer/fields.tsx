// Small form controls of the designer's panels. Every one commits on change, so saving right
// after typing sends what was typed.
import { AutoComplete, Button, Input, InputNumber, Space, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useState, type ReactNode } from 'react';
import { useT } from '../../../i18n';
import { openPlaceholder, type CompletionName } from '../model/completion';

/** A native select (a short list of fixed choices; easy to drive from the keyboard and from tests). */
export function NativeSelect<V extends string>(props: {
  value: V;
  options: { value: V; label: string }[];
  onChange: (value: V) => void;
  testId?: string;
  label: string;
  disabled?: boolean;
}) {
  return (
    <select
      className="wf-select"
      data-testid={props.testId}
      aria-label={props.label}
      value={props.value}
      disabled={props.disabled}
      onChange={(e) => props.onChange(e.target.value as V)}
    >
      {props.options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

export function Field({ label, children, error }: { label: string; children: ReactNode; error?: string }) {
  return (
    <label style={{ display: 'block', marginBottom: 10 }}>
      <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block', marginBottom: 2 }}>
        {label}
      </Typography.Text>
      {children}
      {error && (
        <Typography.Text type="danger" style={{ fontSize: 12 }}>
          {error}
        </Typography.Text>
      )}
    </label>
  );
}

/** A JSON text area: valid JSON is committed as it is typed; invalid text shows an error and waits. */
/** A whole-width number input under its label; clearing it gives `undefined`. */
export function NumberField(props: { label: string; testId: string; value: unknown; min?: number; max?: number; disabled?: boolean; onChange: (value: number | undefined) => void }) {
  return (
    <Field label={props.label}>
      <InputNumber
        data-testid={props.testId}
        aria-label={props.label}
        min={props.min}
        max={props.max}
        style={{ width: '100%' }}
        value={typeof props.value === 'number' ? props.value : null}
        disabled={props.disabled}
        onChange={(v) => props.onChange(typeof v === 'number' ? v : undefined)}
      />
    </Field>
  );
}

export function JsonField(props: { value: unknown; onChange: (value: unknown) => void; testId?: string; label: string; rows?: number; disabled?: boolean }) {
  const t = useT();
  const [text, setText] = useState(() => (props.value === undefined ? '' : JSON.stringify(props.value, null, 2)));
  const [error, setError] = useState(false);
  const [last, setLast] = useState(props.value);
  // Follows outside changes (a template picked, undo) without clobbering text being typed.
  if (last !== props.value) {
    setLast(props.value);
    try {
      if (JSON.stringify(JSON.parse(text)) !== JSON.stringify(props.value)) setText(props.value === undefined ? '' : JSON.stringify(props.value, null, 2));
    } catch {
      setText(props.value === undefined ? '' : JSON.stringify(props.value, null, 2));
    }
  }
  return (
    <Field label={props.label} error={error ? t('wf.json.invalid') : undefined}>
      <Input.TextArea
        data-testid={props.testId}
        aria-label={props.label}
        value={text}
        rows={props.rows ?? 5}
        disabled={props.disabled}
        status={error ? 'error' : undefined}
        style={{ fontFamily: 'monospace', fontSize: 12 }}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value.trim() === '') {
            setError(false);
            return;
          }
          try {
            const parsed: unknown = JSON.parse(e.target.value);
            setError(false);
            setLast(parsed);
            props.onChange(parsed);
          } catch {
            setError(true);
          }
        }}
      />
    </Field>
  );
}

/** A text input that offers the readable names after `${`. */
export function ExpressionInput(props: { value: string; onChange: (v: string) => void; names: CompletionName[]; testId?: string; label: string; disabled?: boolean; placeholder?: string }) {
  const t = useT();
  const prefix = openPlaceholder(props.value);
  const options =
    prefix === null
      ? []
      : props.names
          .filter((n) => n.name.startsWith(prefix))
          .map((n) => ({
            value: `${props.value.slice(0, props.value.length - prefix.length)}${n.name}}`,
            label: (
              <span data-testid={`wf-complete-${n.name}`}>
                {n.name} <Typography.Text type="secondary">{t(`wf.complete.${n.kind}`)}</Typography.Text>
              </span>
            ),
          }));
  return (
    <AutoComplete value={props.value} options={options} onChange={(v: string) => props.onChange(v)} disabled={props.disabled} style={{ width: '100%' }}>
      <Input data-testid={props.testId} aria-label={props.label} placeholder={props.placeholder} />
    </AutoComplete>
  );
}

/** Editable rows of key → value (headers, transform assignments). */
export function KeyValueList(props: {
  value: Record<string, string>;
  onChange: (v: Record<string, string>) => void;
  testId: string;
  keyLabel: string;
  valueLabel: string;
  addLabel: string;
  disabled?: boolean;
  renderValue?: (value: string, set: (v: string) => void, index: number) => ReactNode;
}) {
  const t = useT();
  const [rows, setRows] = useState<[string, string][]>(() => Object.entries(props.value ?? {}));
  const commit = (next: [string, string][]) => {
    setRows(next);
    props.onChange(Object.fromEntries(next.filter(([k]) => k.trim() !== '')));
  };
  return (
    <div data-testid={props.testId}>
      {rows.map(([k, v], i) => (
        <Space.Compact key={i} style={{ width: '100%', marginBottom: 4 }}>
          <Input
            data-testid={`${props.testId}-key-${i}`}
            aria-label={props.keyLabel}
            placeholder={props.keyLabel}
            value={k}
            disabled={props.disabled}
            style={{ width: '40%' }}
            onChange={(e) => commit(rows.map((r, j) => (j === i ? [e.target.value, r[1]] : r)))}
          />
          {props.renderValue ? (
            <div style={{ flex: 1 }}>{props.renderValue(v, (nv) => commit(rows.map((r, j) => (j === i ? [r[0], nv] : r))), i)}</div>
          ) : (
            <Input
              data-testid={`${props.testId}-value-${i}`}
              aria-label={props.valueLabel}
              placeholder={props.valueLabel}
              value={v}
              disabled={props.disabled}
              onChange={(e) => commit(rows.map((r, j) => (j === i ? [r[0], e.target.value] : r)))}
            />
          )}
          <Button icon={<DeleteOutlined />} aria-label={t('wf.remove')} disabled={props.disabled} onClick={() => commit(rows.filter((_, j) => j !== i))} />
        </Space.Compact>
      ))}
      <Button size="small" icon={<PlusOutlined />} disabled={props.disabled} data-testid={`${props.testId}-add`} onClick={() => setRows([...rows, ['', '']])}>
        {props.addLabel}
      </Button>
    </div>
  );
}
