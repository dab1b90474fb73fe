import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { envelope, errorEnvelope, mockFetch, renderWithApp } from '../queryBuilder/test/harness';
import { SaveTemplateModal } from './SaveTemplateModal';

const query = { tables: [{ name: 'User', where: { age: { $gte: '${minAge}' }, status: '${status}' } }] };

function saved(body: Record<string, unknown>) {
  return envelope({
    id: 'tpl_1',
    name: body.name,
    description: body.description ?? null,
    category: body.category ?? null,
    tags: body.tags ?? [],
    query: body.query,
    variables: ['minAge', 'status'],
    datasourceId: body.datasourceId ?? null,
    isPublic: body.isPublic ?? false,
    ownerId: 'usr_1',
    usageCount: 0,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  });
}

describe('SaveTemplateModal', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('shows the declared variables and saves the template', { timeout: 30_000 }, async () => {
    const { calls } = mockFetch((c) =>
      c.method === 'POST' && c.path === '/api/v1/query-builder/templates'
        ? { status: 201, body: saved(c.body as Record<string, unknown>) }
        : undefined,
    );
    const onSaved = vi.fn();
    const onClose = vi.fn();
    renderWithApp(<SaveTemplateModal open query={query} datasourceId="ds_1" onClose={onClose} onSaved={onSaved} />);
    const user = userEvent.setup();
    expect(await screen.findByText('${minAge}')).toBeInTheDocument();
    expect(screen.getByText('${status}')).toBeInTheDocument();

    fireEvent.change(screen.getByTestId('template-name'), { target: { value: '活跃用户查询' } });
    fireEvent.change(screen.getByTestId('template-description'), { target: { value: 'Users by age' } });
    fireEvent.change(screen.getByTestId('template-category'), { target: { value: '用户管理' } });
    await user.type(within(screen.getByTestId('template-tags')).getByRole('combobox'), '常用{Enter}');
    await user.click(screen.getByTestId('template-public'));
    await user.click(screen.getByTestId('template-save-submit'));

    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.body).toEqual({
      name: '活跃用户查询',
      description: 'Users by age',
      category: '用户管理',
      tags: ['常用'],
      isPublic: true,
      query,
      datasourceId: 'ds_1',
    });
    expect(onClose).toHaveBeenCalled();
  });

  it('asks for a name before sending anything', { timeout: 30_000 }, async () => {
    const { calls } = mockFetch(() => undefined);
    renderWithApp(<SaveTemplateModal open query={query} onClose={() => {}} />);
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('template-save-submit'));
    expect(await screen.findByText('Give the template a name')).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
  });

  it('puts the server’s field errors on the form', { timeout: 30_000 }, async () => {
    mockFetch((c) =>
      c.method === 'POST'
        ? { status: 400, body: errorEnvelope(1000, 'validation failed', [{ path: 'tags[0]', code: 'invalid', message: 'must be 1 to 50 characters' }, { path: 'query.tables[0].colums', code: 'invalid', message: 'unknown field' }]) }
        : undefined,
    );
    const onClose = vi.fn();
    renderWithApp(<SaveTemplateModal open query={query} onClose={onClose} />);
    const user = userEvent.setup();
    fireEvent.change(await screen.findByTestId('template-name'), { target: { value: 'x' } });
    await user.click(screen.getByTestId('template-save-submit'));
    expect(await screen.findByText('must be 1 to 50 characters')).toBeInTheDocument();
    expect(screen.getByText(/query\.tables\[0\]\.colums: unknown field/)).toBeInTheDocument();
    expect(onClose).not.toHaveBeenCalled();
  });
});
