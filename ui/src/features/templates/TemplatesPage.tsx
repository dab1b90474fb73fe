// Saved query templates (route `/templates`): search by keyword, filter by category and tags,
// page through them; open one in the builder, run it with its variables, edit or delete it.
import { DeleteOutlined, EditOutlined, FolderOpenOutlined, GlobalOutlined, LockOutlined, PlayCircleOutlined } from '@ant-design/icons';
import { Button, Flex, Input, Popconfirm, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { errorMessage } from '../../api/errors';
import { useDeleteTemplateMutation, useListTemplatesQuery, useMeQuery } from '../../api/generated';
import { notify } from '../../app/notify';
import { EmptyState } from '../../common/EmptyState';
import { ErrorState } from '../../common/ErrorState';
import { PageHeader } from '../../common/PageHeader';
import { usePermission } from '../../common/PermissionGate';
import { useT } from '../../i18n';
import { SaveTemplateModal, type TemplateView } from './SaveTemplateModal';
import { TemplateRunModal } from './TemplateRunModal';

export default function TemplatesPage() {
  const t = useT();
  const navigate = useNavigate();
  const [keyword, setKeyword] = useState('');
  const [category, setCategory] = useState<string | undefined>();
  const [tags, setTags] = useState<string[]>([]);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [editing, setEditing] = useState<TemplateView | null>(null);
  const [running, setRunning] = useState<TemplateView | null>(null);
  const list = useListTemplatesQuery({
    page,
    pageSize,
    keyword: keyword.trim() || undefined,
    category: category || undefined,
    tags: tags.length ? tags.join(',') : undefined,
  });
  const me = useMeQuery();
  const isAdmin = usePermission('*');
  const [remove] = useDeleteTemplateMutation();
  const pageData = list.data?.data;
  const items = pageData?.items ?? [];
  // Categories and tags of the listed templates to pick from (free text is accepted too).
  const known = useMemo(() => {
    const categories = new Set(category ? [category] : []);
    const allTags = new Set(tags);
    items.forEach((i) => {
      if (i.category) categories.add(i.category);
      i.tags.forEach((x) => allTags.add(x));
    });
    return { categories: [...categories].sort(), tags: [...allTags].sort() };
  }, [items, category, tags]);

  const mayChange = (tpl: TemplateView) => isAdmin || tpl.ownerId === me.data?.data?.id;
  const onDelete = async (tpl: TemplateView) => {
    try {
      await remove({ id: tpl.id }).unwrap();
      notify({ level: 'success', title: t('tpl.deleted'), description: tpl.name });
    } catch (e) {
      // The API client shows the server's answer; nothing else to do here.
      void errorMessage(e);
    }
  };

  const columns: ColumnsType<TemplateView> = [
    {
      key: 'name',
      title: t('tpl.col.name'),
      render: (_, tpl) => (
        <Flex vertical>
          <Space>
            <Typography.Text strong>{tpl.name}</Typography.Text>
            {tpl.isPublic ? (
              <Tag icon={<GlobalOutlined />} color="green" data-testid="badge-public">
                {t('tpl.public')}
              </Tag>
            ) : (
              <Tag icon={<LockOutlined />} data-testid="badge-private">
                {t('tpl.private')}
              </Tag>
            )}
          </Space>
          {tpl.description && <Typography.Text type="secondary">{tpl.description}</Typography.Text>}
        </Flex>
      ),
    },
    { key: 'category', title: t('tpl.col.category'), dataIndex: 'category', render: (c: string | null) => c || '—', width: 140 },
    {
      key: 'tags',
      title: t('tpl.col.tags'),
      render: (_, tpl) => tpl.tags.map((x) => <Tag key={x}>{x}</Tag>),
    },
    {
      key: 'variables',
      title: t('tpl.col.variables'),
      render: (_, tpl) => tpl.variables.map((v) => <Tag key={v} color="purple">{`\${${v}}`}</Tag>),
    },
    { key: 'usage', title: t('tpl.col.usage'), dataIndex: 'usageCount', width: 100, align: 'right' },
    {
      key: 'updated',
      title: t('tpl.col.updated'),
      dataIndex: 'updatedAt',
      width: 180,
      render: (d: string) => new Date(d).toLocaleString(),
    },
    {
      key: 'actions',
      title: t('tpl.col.actions'),
      width: 200,
      render: (_, tpl) => (
        <Space size={0}>
          <Tooltip title={t('tpl.open')}>
            <Button type="text" icon={<FolderOpenOutlined />} aria-label={t('tpl.openNamed', { name: tpl.name })} data-testid="template-open" onClick={() => navigate(`/query?template=${encodeURIComponent(tpl.id)}`)} />
          </Tooltip>
          <Tooltip title={t('tpl.run.run')}>
            <Button type="text" icon={<PlayCircleOutlined />} aria-label={t('tpl.runNamed', { name: tpl.name })} data-testid="template-run" onClick={() => setRunning(tpl)} />
          </Tooltip>
          {mayChange(tpl) && (
            <>
              <Tooltip title={t('common.edit')}>
                <Button type="text" icon={<EditOutlined />} aria-label={t('tpl.editNamed', { name: tpl.name })} data-testid="template-edit" onClick={() => setEditing(tpl)} />
              </Tooltip>
              <Popconfirm
                title={t('common.confirmDelete', { name: tpl.name })}
                okText={t('common.delete')}
                cancelText={t('common.cancel')}
                okButtonProps={{ danger: true }}
                onConfirm={() => onDelete(tpl)}
              >
                <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('tpl.deleteNamed', { name: tpl.name })} data-testid="template-delete" />
              </Popconfirm>
            </>
          )}
        </Space>
      ),
    },
  ];

  const filtered = Boolean(keyword.trim() || category || tags.length);
  return (
    <>
      <PageHeader
        title={t('tpl.title')}
        subtitle={t('tpl.subtitle')}
        extra={
          <Button type="primary" onClick={() => navigate('/query')}>
            {t('tpl.new')}
          </Button>
        }
      />
      <Flex gap={8} wrap style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          data-testid="template-search"
          aria-label={t('tpl.search')}
          placeholder={t('tpl.search')}
          style={{ width: 260 }}
          onSearch={(v) => {
            setKeyword(v);
            setPage(1);
          }}
        />
        <Select
          allowClear
          showSearch
          data-testid="template-category-filter"
          aria-label={t('tpl.filter.category')}
          placeholder={t('tpl.filter.category')}
          style={{ width: 200 }}
          value={category}
          options={known.categories.map((c) => ({ value: c, label: c }))}
          onChange={(v?: string) => {
            setCategory(v);
            setPage(1);
          }}
        />
        <Select
          mode="tags"
          allowClear
          data-testid="template-tag-filter"
          aria-label={t('tpl.filter.tags')}
          placeholder={t('tpl.filter.tags')}
          style={{ minWidth: 220 }}
          value={tags}
          options={known.tags.map((x) => ({ value: x, label: x }))}
          onChange={(v: string[]) => {
            setTags(v);
            setPage(1);
          }}
        />
      </Flex>
      {list.error ? (
        <ErrorState error={list.error} onRetry={list.refetch} />
      ) : (
        <Table<TemplateView>
          rowKey="id"
          data-testid="templates-table"
          loading={list.isFetching}
          columns={columns}
          dataSource={items}
          locale={{
            emptyText: list.isLoading ? ' ' : (
              <EmptyState
                description={filtered ? t('tpl.emptyFiltered') : t('tpl.empty')}
                action={
                  !filtered && (
                    <Button type="primary" onClick={() => navigate('/query')}>
                      {t('tpl.new')}
                    </Button>
                  )
                }
              />
            ),
          }}
          pagination={{
            current: pageData?.page ?? page,
            pageSize: pageData?.pageSize ?? pageSize,
            total: pageData?.total ?? 0,
            showSizeChanger: true,
            showTotal: (total) => t('tpl.total', { n: total }),
            onChange: (p, size) => {
              setPage(size !== pageSize ? 1 : p);
              setPageSize(size);
            },
          }}
        />
      )}
      <SaveTemplateModal open={editing !== null} template={editing ?? undefined} onClose={() => setEditing(null)} />
      <TemplateRunModal template={running} onClose={() => setRunning(null)} />
    </>
  );
}
