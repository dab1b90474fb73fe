// Signing out: tell the server (which ends the session and clears its cookie), then forget the
// session locally and go to /login, even when the server could not be told.
import { useCallback } from 'react';
import { quarryApi, useLogoutMutation } from '../../api/generated';
import { useAppDispatch } from '../../app/hooks';
import { navigateTo } from '../../app/navigation';
import { silenceEndpoints } from '../../api/silence';
import { sessionEnded } from './userSlice';

silenceEndpoints(['logout']);

export function useSignOut(): [() => Promise<void>, boolean] {
  const dispatch = useAppDispatch();
  const [logout, { isLoading }] = useLogoutMutation();
  const signOut = useCallback(async () => {
    try {
      await logout().unwrap();
    } catch {
      // already logged out, or the server is unreachable: end the session here anyway
    }
    dispatch(sessionEnded());
    dispatch(quarryApi.util.resetApiState());
    navigateTo('/login', { replace: true });
  }, [dispatch, logout]);
  return [signOut, isLoading];
}
