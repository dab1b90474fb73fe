// The language (中文 / English) and theme (light / dark) switches, in the header and on /login.
import { MoonOutlined, SunOutlined } from '@ant-design/icons';
import { Button, Segmented, Tooltip } from 'antd';
import { useT, type Language } from '../i18n';
import { languageChanged, themeChanged } from './appSlice';
import { useAppDispatch, useAppSelector } from './hooks';

export function LanguageSwitch() {
  const dispatch = useAppDispatch();
  const language = useAppSelector((state) => state.app.language);
  const t = useT();
  return (
    <Segmented<Language>
      size="small"
      aria-label={t('shell.language')}
      value={language}
      onChange={(value) => dispatch(languageChanged(value))}
      options={[
        { label: '中文', value: 'zh-CN' },
        { label: 'English', value: 'en-US' },
      ]}
    />
  );
}

export function ThemeSwitch() {
  const dispatch = useAppDispatch();
  const theme = useAppSelector((state) => state.app.theme);
  const t = useT();
  const label = theme === 'dark' ? t('shell.themeLight') : t('shell.themeDark');
  return (
    <Tooltip title={label}>
      <Button
        type="text"
        shape="circle"
        aria-label={label}
        aria-pressed={theme === 'dark'}
        icon={theme === 'dark' ? <SunOutlined /> : <MoonOutlined />}
        onClick={() => dispatch(themeChanged(theme === 'dark' ? 'light' : 'dark'))}
      />
    </Tooltip>
  );
}
