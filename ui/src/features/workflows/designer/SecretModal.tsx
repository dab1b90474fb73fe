// Shows a signing secret once (after creating the workflow or rotating it), with a copy button.
import { Alert, Modal, Typography } from 'antd';
import { useT } from '../../../i18n';

export function SecretModal({ secret, onClose }: { secret: string | null; onClose: () => void }) {
  const t = useT();
  return (
    <Modal open={secret !== null} title={t('wf.secret.title')} onOk={onClose} onCancel={onClose} cancelButtonProps={{ style: { display: 'none' } }} okText={t('wf.secret.done')}>
      <Alert type="warning" showIcon title={t('wf.secret.once')} style={{ marginBottom: 12 }} />
      <Typography.Paragraph copyable={{ text: secret ?? '' }} data-testid="wf-secret">
        <Typography.Text code>{secret}</Typography.Text>
      </Typography.Paragraph>
    </Modal>
  );
}
