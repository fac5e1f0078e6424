// A call from the browser (BRIEF R7b, R9-R12; issue 4): the demo card's call window in Debian's
// Chromium with a fake microphone, the real server and media bridge, and SIPp as the SIP trunk
// and the issuer's phone — it answers, presses 1 after the accept prompt and echoes the audio.
import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { sipPort } from './trunk';
import { DEMO_CARD, gotoHydrated, logInAsDemoIssuer } from './helpers';

const scenario = path.resolve(__dirname, '../../server/tests/sipp/accept_with_1.xml');

function startTrunk(): { sipp: ChildProcess; exited: Promise<number | null> } {
  const sipp = spawn(
    'sipp',
    ['-sf', scenario, '-i', '127.0.0.1', '-p', String(sipPort), '-mi', '127.0.0.1',
      '-mp', String(sipPort + 2), '-m', '1', '-rtp_echo', '-nostdin', '-timeout', '60s'],
    { stdio: 'ignore' },
  );
  const exited = new Promise<number | null>((resolve, reject) => {
    sipp.on('exit', (code) => resolve(code));
    sipp.on('error', (error) => reject(new Error(`cannot start sipp (apt-get install sip-tester): ${error.message}`)));
  });
  return { sipp, exited };
}

test('a browser call reaches the issuer through the trunk and shows in their records', async ({ page }) => {
  const { sipp, exited } = startTrunk();
  try {
    // SIPp binds its port within a moment of starting.
    await page.waitForTimeout(500);
    await gotoHydrated(page, `${DEMO_CARD.path}/call?lang=en`);
    const window = page.locator('[data-call-state]');
    await expect(window).toHaveAttribute('data-call-state', 'idle');
    await page.getByRole('button', { name: 'Talk from browser' }).click();
    // Ringing, the prompt to the issuer, their 1, then connected.
    await expect(window).toHaveAttribute('data-call-state', 'connected', { timeout: 20_000 });
    await expect(page.getByRole('status')).not.toHaveText('');
    // R11 ¶60: "time left" is how long the call may last (the demo card's 10-minute limit),
    // not the minute held at a time.
    await expect(page.locator('.call-time-left time')).toHaveText(/^(0[2-9]|[1-9]\d):\d\d$/);
    await page.waitForTimeout(2_000);
    await page.getByRole('button', { name: 'Hang up' }).click();
    await expect(window).toHaveAttribute('data-call-state', 'ended', { timeout: 10_000 });
    await expect(window).toHaveAttribute('data-call-cause', 'caller_hung_up');
    expect(await exited, 'SIPp ran its scenario to the end').toBe(0);
  } finally {
    sipp.kill();
  }

  // The issuer sees the call, answered and billed, in their records.
  await logInAsDemoIssuer(page);
  await page.goto('/dashboard/calls');
  const firstRow = page.locator('table.call-records tbody tr').first();
  await expect(firstRow).toContainText('hong-gildong');
  await expect(firstRow).toContainText('internet + mobile');
  await expect(firstRow).toContainText('answered');
});
