// The card page after hydration: switching language happens in place, without a reload, and keeps
// the URL shareable (R3 "then interactive: language switch icons", ¶48), with no console errors,
// and fits a phone screen (R3 "correct on phones").
import { expect, test, type Page } from '@playwright/test';
import { DEMO_CARD, gotoHydrated, languageLink } from './helpers';

/** Collects console errors and uncaught page errors from the moment it is called. */
function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return errors;
}

// The server picks the card's language from ?lang=, then Accept-Language, then the card's default
// (server/src/cards/negotiate.rs); these tests read the card as a Korean reader would.
test.use({ locale: 'ko-KR' });

test.describe('card page after hydration', () => {
  // R3
  test('hydrates without console errors', async ({ page }) => {
    const errors = collectErrors(page);
    await gotoHydrated(page, DEMO_CARD.path);
    await page.waitForLoadState('networkidle');

    expect(errors).toEqual([]);
  });

  // R3, R2 (¶48)
  test('language icons switch the card in place without reloading', async ({ page }) => {
    await gotoHydrated(page, DEMO_CARD.path);
    const heading = page.locator('h1');
    await expect(heading).toHaveText(DEMO_CARD.names.ko);
    await page.evaluate(() => {
      (window as unknown as { __noReload: number }).__noReload = 42;
    });

    const english = page.locator(languageLink('en'));
    await english.click();

    await expect(heading).toHaveText(DEMO_CARD.names.en);
    await expect(english).toHaveAttribute('aria-current', 'true');
    await expect(page.locator('article.card')).toHaveAttribute('lang', 'en');
    await expect(page).toHaveURL(/[?&]lang=en(?:&|#|$)/);
    const marker = await page.evaluate(
      () => (window as unknown as { __noReload?: number }).__noReload,
    );
    expect(marker, 'the page must not have reloaded').toBe(42);

    const japanese = page.locator(languageLink('ja'));
    await japanese.click();

    await expect(heading).toHaveText(DEMO_CARD.names.ja);
    await expect(japanese).toHaveAttribute('aria-current', 'true');
    await expect(english).not.toHaveAttribute('aria-current', 'true');
    await expect(page.locator('article.card')).toHaveAttribute('lang', 'ja');
    await expect(page).toHaveURL(/[?&]lang=ja(?:&|#|$)/);
    expect(
      await page.evaluate(() => (window as unknown as { __noReload?: number }).__noReload),
    ).toBe(42);
  });

  test.describe('on a 360×740 phone screen', () => {
    test.use({ viewport: { width: 360, height: 740 } });

    // R3 (correct on phones)
    test('the card page has no horizontal scroll', async ({ page }) => {
      await gotoHydrated(page, DEMO_CARD.path);

      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(scrollWidth).toBeLessThanOrEqual(360);
    });
  });

  // Issue 11: share from the card page — the device's share sheet where the browser has one.
  test('share opens the share sheet with the card, where the browser has one', async ({ page }) => {
    await page.addInitScript(() => {
      (navigator as unknown as { share: (data: ShareData) => Promise<void> }).share = (data) => {
        (window as unknown as { __shared: ShareData }).__shared = data;
        return Promise.resolve();
      };
    });
    await gotoHydrated(page, DEMO_CARD.path);
    await page.locator('.share-button').click();
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { __shared?: ShareData }).__shared?.url))
      .toMatch(new RegExp(`${DEMO_CARD.path}$`));
    const shared = await page.evaluate(() => (window as unknown as { __shared: ShareData }).__shared);
    expect(shared.title).toBe(DEMO_CARD.names.ko);
  });

  test('share copies the link where there is no share sheet', async ({ page, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await gotoHydrated(page, DEMO_CARD.path);
    expect(await page.evaluate(() => 'share' in navigator), 'desktop Chromium on Linux has none').toBe(false);
    await page.locator('.share-button').click();
    await expect(page.locator('.share-status')).toHaveText('링크를 복사했습니다.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(
      new RegExp(`${DEMO_CARD.path}$`),
    );
  });
});
