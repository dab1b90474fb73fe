// End-to-end journeys in Debian's Chromium against a real `quarry` started by the Rust test
// `crates/server/tests/studio` (which sets these variables). Screenshots go to target/e2e/.
import { defineConfig } from '@playwright/test';

const out = process.env.QUARRY_E2E_OUT ?? '../target/e2e';

export default defineConfig({
  testDir: './e2e',
  outputDir: `${out}/results`,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: process.env.QUARRY_E2E_URL,
    headless: true,
    viewport: { width: 1440, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.QUARRY_E2E_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-dev-shm-usage'],
    },
  },
});
