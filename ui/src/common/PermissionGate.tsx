// Seed 7.2: shows children only to users holding the permissions; `fallback` otherwise.
import type { ReactNode } from 'react';
import { useAppSelector } from '../app/hooks';
import { checkPermissions, type PermissionCheck } from './permissions';

export function usePermission(required: string | readonly string[], check: PermissionCheck = {}): boolean {
  const held = useAppSelector((state) => state.user.permissions);
  return checkPermissions(held, required, check);
}

export interface PermissionGateProps extends PermissionCheck {
  permissions: string | readonly string[];
  fallback?: ReactNode;
  children?: ReactNode;
}

export function PermissionGate({ permissions, any, on, everywhere, fallback = null, children }: PermissionGateProps) {
  const allowed = usePermission(permissions, { any, on, everywhere });
  return <>{allowed ? children : fallback}</>;
}

export default PermissionGate;
