// Unsaved changes are not lost by accident: leaving the designer (another page, another version)
// asks first, and closing or reloading the tab gets the browser's own warning. `allowNext()` lets
// the designer's own navigation through (to the saved workflow's address after the first save).
import { App } from 'antd';
import { useEffect, useRef } from 'react';
import { useBlocker } from 'react-router-dom';
import { useT } from '../../../i18n';

export function useLeaveGuard(dirty: boolean): { allowNext: () => void } {
  const t = useT();
  const { modal } = App.useApp();
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;
  const allowed = useRef(false);
  const blocker = useBlocker(({ currentLocation, nextLocation }) => {
    if (allowed.current) {
      allowed.current = false;
      return false;
    }
    return dirtyRef.current && currentLocation.pathname + currentLocation.search !== nextLocation.pathname + nextLocation.search;
  });

  // One question per blocked navigation (the blocker object changes on every render).
  const current = useRef(blocker);
  current.current = blocker;
  const asking = useRef(false);
  useEffect(() => {
    if (blocker.state !== 'blocked' || asking.current) return;
    asking.current = true;
    modal.confirm({
      title: t('wf.leave.title'),
      content: t('wf.leave.body'),
      okText: t('wf.leave.discard'),
      okButtonProps: { danger: true, 'data-testid': 'wf-leave-discard' } as never,
      cancelText: t('wf.leave.stay'),
      onOk: () => {
        asking.current = false;
        current.current.proceed?.();
      },
      onCancel: () => {
        asking.current = false;
        current.current.reset?.();
      },
    });
  }, [blocker.state]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  return { allowNext: () => (allowed.current = true) };
}
