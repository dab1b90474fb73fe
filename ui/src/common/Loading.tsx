// A centred spinner for pages and panels that are loading.
import { Flex, Spin } from 'antd';
import { useT } from '../i18n';

export function Loading({ tip, minHeight = 240 }: { tip?: string; minHeight?: number | string }) {
  const t = useT();
  const label = tip ?? t('common.loading');
  return (
    <Flex justify="center" align="center" vertical gap={12} style={{ minHeight }} role="status" aria-label={label}>
      <Spin size="large" />
      <span style={{ opacity: 0.65 }}>{label}</span>
    </Flex>
  );
}

export default Loading;
