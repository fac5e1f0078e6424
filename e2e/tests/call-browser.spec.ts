// Browser to browser (BRIEF R2, R10; issue 4): with no phone on the card, a call rings the
// issuer's signed-in dashboard. Two Chromium pages with fake microphones: the caller on the
// card's call window, the issuer taking calls in their dashboard; ring, accept, both connected.
import { expect, test } from '@playwright/test';
import {
  createBrowserLineCard,
  gotoHydrated,
  signUpAndConfirm,
  uniqueEmail,
  waitForHydration,
} from './helpers';

test('a caller and the issuer talk browser to browser', async ({ browser }) => {
  const issuerContext = await browser.newContext();
  const issuer = await issuerContext.newPage();
  await signUpAndConfirm(issuer, {
    email: uniqueEmail('line'),
    name: 'Line Tester',
    password: 'a long enough password',
  });

  // A card that rings only the issuer's browser, at any hour.
  const slug = `line-${Date.now().toString(36)}`;
  const created = await createBrowserLineCard(issuer, {
    slug,
    name: 'Line Tester',
    title: 'Issuer',
    email: 'line@example.com',
  });
  expect(created).toBe(201);

  await issuer.reload();
  await waitForHydration(issuer);
  const line = issuer.locator('[data-line-state]');
  await issuer.getByRole('button', { name: 'Take calls in this browser' }).click();
  await expect(line).toHaveAttribute('data-line-state', 'waiting', { timeout: 10_000 });

  const callerContext = await browser.newContext();
  const caller = await callerContext.newPage();
  await gotoHydrated(caller, `/c/${slug}/call?lang=en`);
  const window = caller.locator('[data-call-state]');
  await caller.getByRole('button', { name: 'Talk from browser' }).click();

  await expect(line).toHaveAttribute('data-line-state', 'ringing', { timeout: 20_000 });
  await expect(issuer.getByRole('alert')).toContainText('Line Tester');
  await issuer.getByRole('button', { name: 'Accept' }).click();
  await expect(line).toHaveAttribute('data-line-state', 'connected', { timeout: 20_000 });
  await expect(window).toHaveAttribute('data-call-state', 'connected', { timeout: 20_000 });

  await caller.waitForTimeout(1_500);
  await caller.getByRole('button', { name: 'Hang up' }).click();
  await expect(window).toHaveAttribute('data-call-state', 'ended', { timeout: 10_000 });
  await expect(window).toHaveAttribute('data-call-cause', 'caller_hung_up');
  // The bridge closes the issuer's connection; the dashboard says so, then waits again.
  await expect(line).toHaveAttribute('data-line-state', /ended|waiting/, { timeout: 20_000 });

  await issuer.goto('/dashboard/calls');
  const firstRow = issuer.locator('table.call-records tbody tr').first();
  await expect(firstRow).toContainText(slug);
  await expect(firstRow).toContainText('internet + internet');
  await expect(firstRow).toContainText('answered');
  await issuerContext.close();
  await callerContext.close();
});
