// Browser end-to-end tests of callcard (STYLE.md §6 "Browser").
//
// Playwright starts the real server binary over a fresh, empty data directory (the server runs its
// real migrations and seeds the demo card `hong-gildong`), and drives Debian's Chromium against it.
// No browser is ever downloaded: Chromium comes from apt (`/usr/bin/chromium`, or $CHROMIUM_PATH).
//
// Environment:
//   CALLCARD_BIN   the server binary (default: the debug build in the shared cargo target dir)
//   E2E_PORT       the loopback port the server listens on (default 3917)
//   E2E_SIP_PORT   where SIPp plays the SIP trunk in call.spec.ts (default 3918; RTP on 3920-3923)
//   CHROMIUM_PATH  the Chromium executable (default /usr/bin/chromium)
import { defineConfig } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_PASSWORD, sipPort } from './tests/trunk';

const port = Number(process.env.E2E_PORT ?? 3917);

const baseURL = `http://127.0.0.1:${port}`;
const repoRoot = path.resolve(__dirname, '..');
const callcardBin = process.env.CALLCARD_BIN ?? '/root/.cache/callcard/target/debug/callcard';

// The config is evaluated by the runner and again by every worker; the runner's workers inherit
// its environment, so the data directory is made once per run and shared through this variable.
// It is left behind on purpose: after a failure its database shows what the server stored.
const dataDir = (process.env.CALLCARD_E2E_DATA_DIR ??= fs.mkdtempSync(
  path.join(os.tmpdir(), 'callcard-e2e-'),
));

export default defineConfig({
  testDir: 'tests',
  // 2-core machine: one browser at a time, and the tests share one server and database.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: 'list',
  timeout: 30_000,
  forbidOnly: !!process.env.CI,
  use: {
    baseURL,
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless=new',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        // Browser calls on loopback with a fake microphone and no permission prompt
        // (NOTES-media.md): Chromium ignores loopback ICE candidates unless told otherwise.
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        '--allow-loopback-in-peer-connection',
        '--disable-features=WebRtcHideLocalIpsWithMdns',
      ],
    },
    trace: 'retain-on-failure',
  },
  webServer: {
    command: `${callcardBin} serve`,
    cwd: repoRoot,
    env: {
      CALLCARD_DATA_DIR: dataDir,
      CALLCARD_LISTEN: `127.0.0.1:${port}`,
      CALLCARD_PUBLIC_URL: baseURL,
      CALLCARD_SITE_ROOT: path.resolve(__dirname, '../target/site'),
      RUST_LOG: 'warn',
      // Every test that needs a fresh issuer signs up from 127.0.0.1; the suite makes more than
      // the default 10 an hour allows one address (the limit itself is tested in Rust).
      CALLCARD_SIGNUP_MAX_PER_ADDRESS: '50',
      // SIPp plays the trunk in call.spec.ts, on this port; the demo issuer's password is
      // known so the test can read the issuer's records.
      CALLCARD_TRUNK_HOST: '127.0.0.1',
      CALLCARD_TRUNK_PORT: String(sipPort),
      CALLCARD_TRUNK_CALLER_ID: '+8225550000',
      CALLCARD_DEMO_PASSWORD: DEMO_PASSWORD,
    },
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    // Let the server close its database cleanly instead of being killed outright.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
