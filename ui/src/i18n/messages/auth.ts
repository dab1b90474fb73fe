// The login page.
export default {
  'en-US': {
    'auth.subtitle': 'Sign in to your data studio',
    'auth.username': 'Username',
    'auth.password': 'Password',
    'auth.usernameRequired': 'Enter your username',
    'auth.passwordRequired': 'Enter your password',
    'auth.rememberMe': 'Keep me signed in for 30 days',
    'auth.submit': 'Sign in',
    'auth.invalidCredentials': 'Wrong username or password.',
    'auth.accountDisabled': 'This account is disabled. Ask an administrator to enable it.',
    'auth.throttled': 'Too many failed attempts. Try again in {seconds} s.',
    'auth.failed': 'Sign-in failed. Please try again.',
  },
  'zh-CN': {
    'auth.subtitle': '登录您的数据工作台',
    'auth.username': '用户名',
    'auth.password': '密码',
    'auth.usernameRequired': '请输入用户名',
    'auth.passwordRequired': '请输入密码',
    'auth.rememberMe': '30 天内保持登录',
    'auth.submit': '登录',
    'auth.invalidCredentials': '用户名或密码错误。',
    'auth.accountDisabled': '该账户已被停用，请联系管理员启用。',
    'auth.throttled': '登录失败次数过多，请在 {seconds} 秒后重试。',
    'auth.failed': '登录失败，请重试。',
  },
};
