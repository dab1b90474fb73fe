// "Nothing here yet", with an optional call to action.
import { Empty } from 'antd';
import type { ReactNode } from 'react';
import { useT } from '../i18n';

export interface EmptyStateProps {
  description?: ReactNode;
  action?: ReactNode;
}

export function EmptyState({ description, action }: EmptyStateProps) {
  const t = useT();
  return (
    <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={description ?? t('common.empty')} style={{ padding: '32px 0' }}>
      {action}
    </Empty>
  );
}

export default EmptyState;
