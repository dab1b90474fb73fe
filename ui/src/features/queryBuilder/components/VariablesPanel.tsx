// Test values for the query's `${name}` placeholders, so the builder can validate and run it.
import { Alert, Flex, Input, Typography } from 'antd';
import { useAppDispatch, useAppSelector } from '../../../app/hooks';
import { useT } from '../../../i18n';
import { queryBuilderActions as qb } from '../queryBuilderSlice';

/** `title` and `hint` default to the template wording; the workflow designer words them for a node. */
export function VariablesPanel({ names, title, hint }: { names: string[]; title?: string; hint?: string }) {
  const t = useT();
  const dispatch = useAppDispatch();
  const values = useAppSelector((s) => s.queryBuilder.variableValues);
  if (names.length === 0) return null;
  return (
    <Alert
      type="info"
      showIcon
      data-testid="variables-panel"
      title={title ?? t('qb.vars.title')}
      description={
        <Flex vertical gap={6}>
          <Typography.Text type="secondary">{hint ?? t('qb.vars.hint')}</Typography.Text>
          {names.map((name) => (
            <Flex key={name} gap={8} align="center">
              <Typography.Text code>{`\${${name}}`}</Typography.Text>
              <Input
                aria-label={t('qb.vars.valueOf', { name })}
                data-testid={`variable-${name}`}
                style={{ width: 220 }}
                value={values[name] ?? ''}
                onChange={(e) => dispatch(qb.variableValueChanged({ name, value: e.target.value }))}
              />
            </Flex>
          ))}
        </Flex>
      }
    />
  );
}

export default VariablesPanel;
