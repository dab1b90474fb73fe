import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const notifySpy = vi.hoisted(() => vi.fn());
vi.mock('../app/notify', () => ({ notify: notifySpy }));

import { configureGraphql, errorCodeOf, gql, GqlRequestError, resetGraphqlEnvironment } from './graphql';

const fetchMock = vi.fn();

function answer(body: unknown, status = 200) {
  fetchMock.mockResolvedValueOnce(
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }),
  );
}

const navigateTo = vi.fn();
const refresh = vi.fn(async () => 'rejected' as const);

beforeEach(() => {
  vi.stubGlobal('fetch', fetchMock);
  configureGraphql({
    getAccessToken: () => 'tok-1',
    refresh,
    navigateTo,
    currentLocation: () => ({ pathname: '/data/demo/user', search: '?page=2' }),
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
  fetchMock.mockReset();
  notifySpy.mockReset();
  navigateTo.mockReset();
  refresh.mockClear();
  resetGraphqlEnvironment();
});

async function failure(promise: Promise<unknown>): Promise<GqlRequestError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof GqlRequestError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

describe('gql', () => {
  it('POSTs the query to /pamirs/{module} with the bearer token and same-origin credentials', async () => {
    answer({ data: { userQuery: { count: '3' } }, extensions: { success: true, messages: [] } });
    const data = await gql<{ userQuery: { count: string } }>('demo', '{ userQuery { count } }', { a: 1 });
    expect(data.userQuery.count).toBe('3');
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('/pamirs/demo');
    expect(init.method).toBe('POST');
    expect(init.credentials).toBe('same-origin');
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer tok-1');
    expect(JSON.parse(init.body as string)).toEqual({ query: '{ userQuery { count } }', variables: { a: 1 } });
    expect(notifySpy).not.toHaveBeenCalled();
  });

  it('sends no Authorization header without a token (the cookie signs in)', async () => {
    configureGraphql({ getAccessToken: () => null });
    answer({ data: {} });
    await gql('demo', '{ module }');
    const init = fetchMock.mock.calls[0]?.[1] as RequestInit;
    expect((init.headers as Record<string, string>).Authorization).toBeUndefined();
  });

  it('adds the message level to variables.requestStrategy when asked', async () => {
    answer({ data: {} });
    await gql('demo', 'mutation { x }', { d: 1 }, { msgLevel: 'SUCCESS' });
    const init = fetchMock.mock.calls[0]?.[1] as RequestInit;
    expect(JSON.parse(init.body as string).variables).toEqual({ d: 1, requestStrategy: { msgLevel: 'SUCCESS' } });
  });

  it('shows extensions.messages by level', async () => {
    answer({
      data: { departmentMutation: { create: { id: '14' } } },
      extensions: {
        success: true,
        messages: [
          { level: 'SUCCESS', message: '创建成功 (created)' },
          { level: 'INFO', message: 'fyi' },
          { level: 'WARN', message: 'careful' },
          { level: 'ERROR', message: 'bad' },
        ],
      },
    });
    await gql('demo', 'mutation { x }');
    expect(notifySpy.mock.calls.map(([n]) => [n.level, n.description])).toEqual([
      ['success', '创建成功 (created)'],
      ['info', 'fyi'],
      ['warning', 'careful'],
      ['error', 'bad'],
    ]);
  });

  it.each([11500001, '20080002'])('sends the user to login on errorCode %s', async (errorCode) => {
    answer({
      data: null,
      errors: [{ message: '未登录', extensions: { errorCode, errorType: 'SECURITY_ERROR', messages: [] } }],
      extensions: { success: false, messages: [] },
    });
    const error = await failure(gql('demo', '{ x }'));
    expect(error.kind).toBe('signedOut');
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(navigateTo).toHaveBeenCalledWith(`/login?redirect=${encodeURIComponent('/data/demo/user?page=2')}`);
  });

  it('renews the session and replays the call once before giving up', async () => {
    let token = 'old';
    configureGraphql({
      getAccessToken: () => token,
      refresh: async () => {
        token = 'new';
        return 'refreshed';
      },
    });
    answer({ data: null, errors: [{ message: 'expired', extensions: { errorCode: 11500001 } }] });
    answer({ data: { ok: true }, extensions: { success: true, messages: [] } });
    await expect(gql('demo', 'mutation { x }')).resolves.toEqual({ ok: true });
    expect(fetchMock).toHaveBeenCalledTimes(2);
    const second = fetchMock.mock.calls[1]?.[1] as RequestInit;
    expect((second.headers as Record<string, string>).Authorization).toBe('Bearer new');
    expect(navigateTo).not.toHaveBeenCalled();
  });

  it('does not try to renew a session it never had', async () => {
    configureGraphql({ getAccessToken: () => null });
    answer({ data: null, errors: [{ message: 'x', extensions: { errorCode: 11500001 } }] });
    await failure(gql('demo', '{ x }'));
    expect(refresh).not.toHaveBeenCalled();
    expect(navigateTo).toHaveBeenCalledTimes(1);
  });

  it('does not redirect again from the login page', async () => {
    configureGraphql({ currentLocation: () => ({ pathname: '/login', search: '' }) });
    answer({ data: null, errors: [{ message: 'x', extensions: { errorCode: 11500001 } }] });
    await failure(gql('demo', '{ x }'));
    expect(navigateTo).not.toHaveBeenCalled();
  });

  it('reads the code from the message when extensions have none', async () => {
    expect(errorCodeOf({ message: 'failed: code: 11500001, msg: nope, x' })).toBe(11500001);
    answer({ data: null, errors: [{ message: 'failed: code: 11500001, msg: nope, x' }] });
    await failure(gql('demo', '{ x }'));
    expect(navigateTo).toHaveBeenCalledTimes(1);
  });

  it('returns validation errors (10050009) as field errors without a toast', async () => {
    answer({
      data: { departmentMutation: null },
      errors: [
        {
          message: '数据校验失败',
          extensions: {
            errorCode: 10050009,
            errorType: 'BIZ_ERROR',
            messages: [
              { level: 'ERROR', message: 'Text("abc") is not a number', code: '10050009', field: 'budget' },
              { level: 'ERROR', message: 'UNIQUE constraint failed: Department.name', code: '10050009' },
            ],
          },
        },
      ],
      extensions: { success: false, messages: [] },
    });
    const error = await failure(gql('demo', 'mutation { x }'));
    expect(error.kind).toBe('validation');
    expect(error.code).toBe(10050009);
    expect(error.fieldErrors).toEqual({ budget: 'Text("abc") is not a number' });
    expect(error.formErrors).toEqual(['UNIQUE constraint failed: Department.name']);
    expect(notifySpy).not.toHaveBeenCalled();
    expect(navigateTo).not.toHaveBeenCalled();
  });

  it('notifies other errors with a de-duplication key', async () => {
    const body = {
      data: null,
      errors: [
        {
          message: 'RSQL 语法错误',
          extensions: { errorCode: 10016000, messages: [{ level: 'ERROR', message: 'RSQL 语法错误 at 11' }] },
        },
      ],
    };
    answer(body);
    answer(body);
    const first = await failure(gql('demo', '{ x }'));
    await failure(gql('demo', '{ x }'));
    expect(first.kind).toBe('graphql');
    expect(first.code).toBe(10016000);
    expect(first.message).toBe('RSQL 语法错误 at 11');
    expect(notifySpy).toHaveBeenCalledTimes(2);
    const [a, b] = notifySpy.mock.calls.map(([n]) => n);
    expect(a.level).toBe('error');
    expect(a.description).toBe('RSQL 语法错误 at 11');
    // Same key both times: notify() shows repeats once.
    expect(a.key).toBe(b.key);
  });

  it('titles notifications in the user language by default', async () => {
    resetGraphqlEnvironment();
    answer({ data: {}, extensions: { success: true, messages: [{ level: 'SUCCESS', message: 'ok' }] } });
    await gql('demo', 'mutation { x }');
    expect(notifySpy.mock.calls[0]?.[0]).toMatchObject({ level: 'success', title: 'Success', description: 'ok' });
  });

  it('reports network failures and non-2xx answers', async () => {
    fetchMock.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    const offline = await failure(gql('demo', '{ x }'));
    expect(offline.kind).toBe('network');
    answer({ oops: true }, 502);
    const gateway = await failure(gql('demo', '{ x }'));
    expect(gateway.kind).toBe('network');
    expect(gateway.message).toContain('502');
    expect(notifySpy.mock.calls.map(([n]) => n.level)).toEqual(['error', 'error']);
  });
});
