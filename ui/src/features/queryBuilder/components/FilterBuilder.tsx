// Nested AND/OR groups of conditions, for `where` and for `having`. Schema columns can be dropped
// on a group to add a condition on them.
import { BranchesOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Checkbox, Flex, Segmented, Typography, theme } from 'antd';
import { useAppDispatch } from '../../../app/hooks';
import { useT } from '../../../i18n';
import { useColumnDrop, useEnsureTable } from '../hooks/useBuilderActions';
import { queryBuilderActions as qb } from '../queryBuilderSlice';
import type { ConditionGroup, ConditionTree } from '../model/types';
import { useTargetErrors } from './BuilderContext';
import { ConditionRow, type FieldOption } from './ConditionRow';

interface GroupProps {
  group: ConditionGroup;
  tree: ConditionTree;
  fieldOptions: FieldOption[];
  depth: number;
}

function GroupView({ group, tree, fieldOptions, depth }: GroupProps) {
  const t = useT();
  const { token } = theme.useToken();
  const dispatch = useAppDispatch();
  const { ensureTable } = useEnsureTable();
  const errors = useTargetErrors({ section: tree, id: group.id });
  const isRoot = depth === 0;
  const firstField = fieldOptions[0]?.value ?? '';
  const drop = useColumnDrop((c) => {
    if (tree !== 'where') return;
    const { alias } = ensureTable(c.table);
    dispatch(qb.filterAdded({ tree, groupId: group.id, field: `${alias}.${c.column}` }));
  });
  return (
    <div
      data-testid="filter-group"
      data-group-id={group.id}
      data-combinator={group.combinator}
      {...drop.props}
      style={{
        border: `1px ${drop.over ? 'dashed' : 'solid'} ${drop.over ? token.colorPrimary : token.colorBorderSecondary}`,
        borderLeft: `3px solid ${group.combinator === 'OR' ? token.orange : token.colorPrimary}`,
        borderRadius: token.borderRadius,
        padding: 10,
        background: depth % 2 ? token.colorFillQuaternary : undefined,
      }}
    >
      <Flex gap={8} align="center" wrap style={{ marginBottom: group.children.length ? 8 : 0 }}>
        <Segmented
          size="small"
          aria-label={t('qb.filter.combinator')}
          data-testid="combinator"
          value={group.combinator}
          onChange={(v) => dispatch(qb.combinatorChanged({ tree, id: group.id, combinator: v as 'AND' | 'OR' }))}
          options={[
            { value: 'AND', label: t('qb.filter.and') },
            { value: 'OR', label: t('qb.filter.or') },
          ]}
        />
        {!isRoot && (
          <Checkbox checked={Boolean(group.not)} onChange={() => dispatch(qb.nodeNegated({ tree, id: group.id }))}>
            {t('qb.filter.notGroup')}
          </Checkbox>
        )}
        <Button
          size="small"
          icon={<PlusOutlined />}
          data-testid="add-filter"
          onClick={() => dispatch(qb.filterAdded({ tree, groupId: group.id, field: firstField }))}
        >
          {t('qb.filter.addCondition')}
        </Button>
        <Button
          size="small"
          icon={<BranchesOutlined />}
          data-testid="add-group"
          onClick={() =>
            dispatch(qb.groupAdded({ tree, parentId: group.id, combinator: group.combinator === 'AND' ? 'OR' : 'AND', field: firstField }))
          }
        >
          {group.combinator === 'AND' ? t('qb.filter.addOrGroup') : t('qb.filter.addAndGroup')}
        </Button>
        {!isRoot && (
          <Button
            size="small"
            type="text"
            danger
            icon={<DeleteOutlined />}
            aria-label={t('qb.filter.removeGroup')}
            onClick={() => dispatch(qb.nodeRemoved({ tree, id: group.id }))}
          />
        )}
      </Flex>
      {errors.map((m, i) => (
        <Typography.Text key={i} type="danger" style={{ display: 'block', fontSize: 12 }} role="alert">
          {m}
        </Typography.Text>
      ))}
      <Flex vertical gap={8}>
        {group.children.map((child) =>
          child.kind === 'group' ? (
            <GroupView key={child.id} group={child} tree={tree} fieldOptions={fieldOptions} depth={depth + 1} />
          ) : (
            <ConditionRow key={child.id} node={child} tree={tree} fieldOptions={fieldOptions} />
          ),
        )}
      </Flex>
      {isRoot && group.children.length === 0 && (
        <Typography.Text type="secondary" style={{ display: 'block', marginTop: 8 }}>
          {tree === 'where' ? t('qb.filter.emptyWhere') : t('qb.filter.emptyHaving')}
        </Typography.Text>
      )}
    </div>
  );
}

export function FilterBuilder({ root, tree, fieldOptions }: { root: ConditionGroup; tree: ConditionTree; fieldOptions: FieldOption[] }) {
  return <GroupView group={root} tree={tree} fieldOptions={fieldOptions} depth={0} />;
}

export default FilterBuilder;
