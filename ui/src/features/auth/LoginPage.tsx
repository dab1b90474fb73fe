// /login: username, password, "remember me". Wrong credentials (401), a throttled account (429,
// with a countdown from Retry-After), a disabled account and field errors are shown in the form;
// on success the user goes back where they came from (?redirect=).
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Checkbox, Flex, Form, Input, Typography, theme } from 'antd';
import { useEffect, useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { ErrorCodes, isApiError } from '../../api/errors';
import { useLoginMutation } from '../../api/generated';
import { silenceEndpoints } from '../../api/silence';
import { useAppSelector } from '../../app/hooks';
import { safeRedirect } from '../../app/navigation';
import { LanguageSwitch, ThemeSwitch } from '../../app/PreferenceSwitches';
import { applyFieldErrors } from '../../common/applyFieldErrors';
import { LogoMark } from '../../common/LogoMark';
import { useT, type Translate } from '../../i18n';

silenceEndpoints(['login']);

interface LoginForm {
  username: string;
  password: string;
  rememberMe: boolean;
}

function describe(error: unknown, t: Translate): string {
  if (!isApiError(error)) return t('auth.failed');
  if (error.status === 'NETWORK_ERROR') return t('error.network');
  switch (error.code) {
    case ErrorCodes.INVALID_CREDENTIALS:
      return t('auth.invalidCredentials');
    case ErrorCodes.ACCOUNT_DISABLED:
      return t('auth.accountDisabled');
    default:
      return error.message;
  }
}

function useCountdown(): [number, (seconds: number) => void] {
  const [until, setUntil] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until <= now) return;
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, [until, now]);
  const left = Math.max(0, Math.ceil((until - now) / 1000));
  return [left, (seconds: number) => {
    setNow(Date.now());
    setUntil(Date.now() + seconds * 1000);
  }];
}

export default function LoginPage() {
  const t = useT();
  const { token } = theme.useToken();
  const [form] = Form.useForm<LoginForm>();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const authenticated = useAppSelector((state) => state.user.isAuthenticated);
  const [login, { isLoading }] = useLoginMutation();
  const [problem, setProblem] = useState<string | null>(null);
  const [throttled, throttle] = useCountdown();
  // `redirect_url` is the name seed 003's Oinone front ends use.
  const target = safeRedirect(params.get('redirect') ?? params.get('redirect_url'));

  if (authenticated && !isLoading) return <Navigate to={target} replace />;

  const submit = async (values: LoginForm) => {
    setProblem(null);
    try {
      await login({ loginBody: { username: values.username.trim(), password: values.password, rememberMe: values.rememberMe } }).unwrap();
      navigate(target, { replace: true });
    } catch (error) {
      if (isApiError(error) && error.code === ErrorCodes.LOGIN_THROTTLED) {
        throttle(error.retryAfter ?? 60);
        return;
      }
      const rest = applyFieldErrors(form, error);
      if (!isApiError(error) || error.errors.length === 0 || rest.length > 0) setProblem(describe(error, t));
    }
  };

  return (
    <Flex
      vertical
      style={{
        minHeight: '100vh',
        background: `radial-gradient(1200px 600px at 10% -10%, ${token.colorPrimaryBg}, transparent), ${token.colorBgLayout}`,
      }}
    >
      <Flex justify="flex-end" align="center" gap={12} style={{ padding: '16px 24px' }}>
        <LanguageSwitch />
        <ThemeSwitch />
      </Flex>
      <Flex flex={1} justify="center" align="center" style={{ padding: '0 16px 64px' }}>
        <Card style={{ width: 400, maxWidth: '100%', boxShadow: token.boxShadowTertiary }} styles={{ body: { padding: 32 } }}>
          <Flex vertical align="center" gap={8} style={{ marginBottom: 28 }}>
            <LogoMark size={48} />
            <Typography.Title level={2} style={{ margin: '8px 0 0' }}>
              {t('app.name')}
            </Typography.Title>
            <Typography.Text type="secondary">{t('auth.subtitle')}</Typography.Text>
          </Flex>
          {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 20 }} role="alert" />}
          {throttled > 0 && (
            <Alert type="warning" showIcon title={t('auth.throttled', { seconds: throttled })} style={{ marginBottom: 20 }} role="alert" />
          )}
          <Form<LoginForm>
            form={form}
            layout="vertical"
            requiredMark={false}
            initialValues={{ username: '', password: '', rememberMe: true }}
            onFinish={(values) => void submit(values)}
            onValuesChange={() => setProblem(null)}
          >
            <Form.Item name="username" label={t('auth.username')} rules={[{ required: true, whitespace: true, message: t('auth.usernameRequired') }]}>
              <Input size="large" prefix={<UserOutlined />} autoComplete="username" autoFocus data-testid="login-username" />
            </Form.Item>
            <Form.Item name="password" label={t('auth.password')} rules={[{ required: true, message: t('auth.passwordRequired') }]}>
              <Input.Password size="large" prefix={<LockOutlined />} autoComplete="current-password" data-testid="login-password" />
            </Form.Item>
            <Form.Item name="rememberMe" valuePropName="checked">
              <Checkbox>{t('auth.rememberMe')}</Checkbox>
            </Form.Item>
            <Button type="primary" htmlType="submit" size="large" block loading={isLoading} disabled={throttled > 0} data-testid="login-submit">
              {t('auth.submit')}
            </Button>
          </Form>
        </Card>
      </Flex>
    </Flex>
  );
}
