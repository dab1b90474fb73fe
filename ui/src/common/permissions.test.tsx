import { render, screen } from '@testing-library/react';
import { Provider } from 'react-redux';
import { describe, expect, it } from 'vitest';
import { makeStore } from '../app/store';
import { stateFromSession } from '../features/auth/userSlice';
import { tokens } from '../app/testUtils';
import { PermissionGate } from './PermissionGate';
import { checkPermissions, parseGrant, PermissionSet } from './permissions';

// The cases mirror crates/auth/src/permission.rs's tests.
describe('PermissionSet', () => {
  it('lets * allow everything', () => {
    const s = new PermissionSet(['*']);
    expect(s.allows('users:write')).toBe(true);
    expect(s.allowsOn('datasource:write', 'ds_1')).toBe(true);
    expect(s.isSuperuser()).toBe(true);
  });

  it('keeps resource:* within its resource', () => {
    const s = new PermissionSet(['users:*']);
    expect(s.allows('users:read') && s.allows('users:write')).toBe(true);
    expect(s.allows('roles:read')).toBe(false);
  });

  it('limits scoped grants to their object', () => {
    const s = new PermissionSet(['datasource:write:ds_1']);
    expect(s.allowsOn('datasource:write', 'ds_1')).toBe(true);
    expect(s.allowsOn('datasource:write', 'ds_2')).toBe(false);
    expect(s.allows('datasource:write')).toBe(false);
    expect(s.allowsSomewhere('datasource:write')).toBe(true);
    expect(s.allowsSomewhere('datasource:read')).toBe(false);
    expect(new PermissionSet(['datasource:write']).allowsOn('datasource:write', 'ds_2')).toBe(true);
  });

  it('ignores malformed grants and requirements', () => {
    for (const bad of ['', 'users', 'users:', 'Users:read', 'users:*:x', 'users:read:a b', '*:*']) {
      expect(parseGrant(bad), bad).toBeNull();
    }
    for (const good of ['*', 'users:*', 'users:read', 'datasource:read:ds_main']) expect(parseGrant(good)).not.toBeNull();
    expect(new PermissionSet([]).allows('users:read')).toBe(false);
    expect(new PermissionSet(['users:read']).allows('malformed')).toBe(false);
  });

  it('checks all by default and one with `any`', () => {
    expect(checkPermissions(['query:execute'], ['query:execute', 'datasource:read'])).toBe(false);
    expect(checkPermissions(['query:execute'], ['query:execute', 'datasource:read'], { any: true })).toBe(true);
    expect(checkPermissions(['datasource:read:demo'], 'datasource:read')).toBe(true);
    expect(checkPermissions(['datasource:read:demo'], 'datasource:read', { everywhere: true })).toBe(false);
    expect(checkPermissions(['datasource:read:demo'], 'datasource:read', { on: 'other' })).toBe(false);
  });
});

describe('PermissionGate', () => {
  function renderGate(held: string[], gate: React.ReactElement) {
    const store = makeStore({ user: stateFromSession({ ...tokens({}, held), remember: false }) });
    return render(<Provider store={store}>{gate}</Provider>);
  }

  it('shows children to holders and the fallback to others', () => {
    renderGate(
      ['users:read'],
      <>
        <PermissionGate permissions="users:read">
          <span>can read</span>
        </PermissionGate>
        <PermissionGate permissions={['users:read', 'users:write']} fallback={<span>no write</span>}>
          <span>can write</span>
        </PermissionGate>
        <PermissionGate permissions={['users:write', 'users:read']} any>
          <span>either</span>
        </PermissionGate>
      </>,
    );
    expect(screen.getByText('can read')).toBeInTheDocument();
    expect(screen.queryByText('can write')).not.toBeInTheDocument();
    expect(screen.getByText('no write')).toBeInTheDocument();
    expect(screen.getByText('either')).toBeInTheDocument();
  });
});
