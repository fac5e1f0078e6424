// Embeds on the issuer's own website (issue 12, BRIEF R6), in Chromium, from pages served by a
// second local HTTP server: a different origin from callcard's. The allowed origin shows the
// card, sizes its frame to the card and places a browser call through it; another origin is
// refused by the card's frame-ancestors policy; a message from a foreign window moves nothing.
import { expect, test, type Page } from '@playwright/test';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBrowserLineCard, signUpAndConfirm, uniqueEmail, waitForHydration } from './helpers';

/** A stand-in for the issuer's website: one page that pastes the card's script snippet. */
async function startSite(callcard: string, slug: string): Promise<{ origin: string; close: () => void }> {
  const server = http.createServer((_, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><html><head><title>Shop</title></head><body>
      <h1>Our shop</h1>
      <script src="${callcard}/embed.js" data-card="${slug}" data-lang="en" async></script>
      <p id="after">Opening hours: 9 to 6.</p>
    </body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => server.close() };
}

/** The frame's height as embed.js set it, in pixels. */
async function frameHeight(page: Page): Promise<number> {
  return page.locator('iframe[data-callcard]').evaluate((frame) => parseFloat((frame as HTMLElement).style.height));
}

test('an allowed site shows the card, sizes it and calls through it; another site is refused', async ({
  browser,
  baseURL,
}) => {
  const issuerContext = await browser.newContext();
  const issuer = await issuerContext.newPage();
  await signUpAndConfirm(issuer, {
    email: uniqueEmail('embed'),
    name: 'Embed Tester',
    password: 'a long enough password',
  });
  const slug = `embed-${Date.now().toString(36)}`;
  const allowed = await startSite(baseURL!, slug);
  const refused = await startSite(baseURL!, slug);
  try {
    // A card that rings the issuer's browser, and one site allowed to show it (the panel's form).
    const created = await createBrowserLineCard(issuer, {
      slug,
      name: 'Embed Tester',
      title: 'Shop owner',
      email: 'embed@example.com',
    });
    expect(created).toBe(201);
    await issuer.goto(`/dashboard/cards/${slug}/embed`);
    await issuer.locator('#embed-origins').fill(allowed.origin);
    await issuer.locator(`form[action="/dashboard/cards/${slug}/embed"] button[type=submit]`).click();
    await expect(issuer.locator('#embed-origins')).toHaveValue(allowed.origin);
    await expect(issuer.locator('#embed-script')).toHaveValue(
      `<script src="${baseURL}/embed.js" data-card="${slug}" async></script>`,
    );
    // The panel's own preview is framed by callcard itself.
    await expect(issuer.frameLocator('iframe.embed-preview').locator('.card-name')).toHaveText('Embed Tester');

    await issuer.goto('/dashboard');
    await waitForHydration(issuer);
    const line = issuer.locator('[data-line-state]');
    await issuer.getByRole('button', { name: 'Take calls in this browser' }).click();
    await expect(line).toHaveAttribute('data-line-state', 'waiting', { timeout: 10_000 });

    const visitorContext = await browser.newContext();
    const visitor = await visitorContext.newPage();
    await visitor.goto(allowed.origin);
    const card = visitor.frameLocator('iframe[data-callcard]');
    await expect(card.locator('.card-name')).toHaveText('Embed Tester');
    // The frame follows the card's height (embed-frame.js → embed.js), not its 520 px default.
    const cardBottom = () =>
      card.locator('main').evaluate((main) => Math.ceil(main.getBoundingClientRect().bottom));
    await expect.poll(() => frameHeight(visitor)).not.toBe(520);
    expect(Math.abs((await frameHeight(visitor)) - (await cardBottom()))).toBeLessThanOrEqual(24);

    // A message from any window but the frame's is ignored.
    const before = await frameHeight(visitor);
    await visitor.evaluate(() => window.postMessage({ type: 'callcard:height', height: 40 }, '*'));
    await visitor.waitForTimeout(300);
    expect(await frameHeight(visitor)).toBe(before);

    // The call stays inside the frame: its window opens there, and resizes it.
    await card.getByRole('link', { name: 'Call' }).click();
    const window = card.locator('[data-call-state]');
    await expect(window).toBeVisible();
    await expect(card.locator('main.call-page.embedded')).toHaveCount(1);
    await expect.poll(() => frameHeight(visitor)).not.toBe(before);
    await expect(card.locator('body[data-hydrated="true"]')).toHaveCount(1, { timeout: 15_000 });
    await card.getByRole('button', { name: 'Talk from browser' }).click();
    await expect(line).toHaveAttribute('data-line-state', 'ringing', { timeout: 20_000 });
    await issuer.getByRole('button', { name: 'Accept' }).click();
    await expect(window).toHaveAttribute('data-call-state', 'connected', { timeout: 20_000 });
    await card.getByRole('button', { name: 'Hang up' }).click();
    await expect(window).toHaveAttribute('data-call-state', 'ended', { timeout: 10_000 });
    await expect(window).toHaveAttribute('data-call-cause', 'caller_hung_up');

    // Another site pastes the same snippet: the browser refuses to show the card there.
    const stranger = await visitorContext.newPage();
    const refusals: string[] = [];
    stranger.on('console', (message) => refusals.push(message.text()));
    await stranger.goto(refused.origin);
    await expect(stranger.locator('iframe[data-callcard]')).toHaveCount(1);
    await expect
      .poll(() => refusals.some((text) => text.includes('frame-ancestors')), { timeout: 10_000 })
      .toBe(true);
    await expect(stranger.frameLocator('iframe[data-callcard]').locator('.card-name')).toHaveCount(0);
    await visitorContext.close();
  } finally {
    allowed.close();
    refused.close();
    await issuerContext.close();
  }
});
