// Permission matching exactly as the server does it (crates/auth/src/permission.rs):
//   `*` covers everything; `resource:*` every action of one resource (any object);
//   `resource:action` that action on every object; `resource:action:scope` that action on one
//   object only. Malformed grants are ignored, as the server skips them.
// Three questions, as on the server:
//   allows(p)          – on every object (unscoped grant needed);
//   allowsOn(p, scope) – on one object;
//   allowsSomewhere(p) – on at least one object (a scoped grant counts). REST endpoints admit
//                        callers with this check and then check the object, so the UI uses it to
//                        decide whether to show a page at all.

interface Grant {
  resource: string;
  /** null: every action. */
  action: string | null;
  scope: string | null;
}

const WORD = /^[a-z][a-z0-9_-]{0,63}$/;
const SCOPE = /^[A-Za-z0-9_.-]{1,128}$/;

export function parseGrant(text: string): Grant | null {
  if (text === '*') return { resource: '*', action: null, scope: null };
  const first = text.indexOf(':');
  if (first < 0) return null;
  const resource = text.slice(0, first);
  const rest = text.slice(first + 1);
  const second = rest.indexOf(':');
  const action = second < 0 ? rest : rest.slice(0, second);
  const scope = second < 0 ? null : rest.slice(second + 1);
  if (!WORD.test(resource) || !(action === '*' || WORD.test(action))) return null;
  if (scope !== null && (action === '*' || !SCOPE.test(scope))) return null;
  return { resource, action: action === '*' ? null : action, scope };
}

function covers(grant: Grant, resource: string, action: string, scope: string | null): boolean {
  if (grant.resource === '*') return true;
  if (grant.resource !== resource) return false;
  if (grant.action !== null && grant.action !== action) return false;
  if (grant.scope === null) return true;
  return scope !== null && grant.scope === scope;
}

function split(required: string): [string, string] | null {
  const at = required.indexOf(':');
  return at < 0 ? null : [required.slice(0, at), required.slice(at + 1)];
}

export class PermissionSet {
  private readonly grants: Grant[];

  constructor(strings: readonly string[]) {
    this.grants = strings.map(parseGrant).filter((g): g is Grant => g !== null);
  }

  allows(required: string): boolean {
    return this.allowsOn(required, null);
  }

  allowsOn(required: string, scope: string | null): boolean {
    const parts = split(required);
    return parts !== null && this.grants.some((g) => covers(g, parts[0], parts[1], scope));
  }

  allowsSomewhere(required: string): boolean {
    const parts = split(required);
    return parts !== null && this.grants.some((g) => covers(g, parts[0], parts[1], g.scope));
  }

  isSuperuser(): boolean {
    return this.grants.some((g) => g.resource === '*');
  }
}

export interface PermissionCheck {
  /** Enough to hold one of them (default: all). */
  any?: boolean;
  /** Check on this one object (`datasource:write` on `ds_main`). */
  on?: string;
  /** Require unscoped grants (every object), as e.g. creating a datasource does. */
  everywhere?: boolean;
}

export function checkPermissions(held: readonly string[], required: string | readonly string[], check: PermissionCheck = {}): boolean {
  const set = new PermissionSet(held);
  const list = typeof required === 'string' ? [required] : required;
  if (list.length === 0) return true;
  const one = (p: string) =>
    check.on !== undefined ? set.allowsOn(p, check.on) : check.everywhere ? set.allows(p) : set.allowsSomewhere(p);
  return check.any ? list.some(one) : list.every(one);
}
