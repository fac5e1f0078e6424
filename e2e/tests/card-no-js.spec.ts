// The card page works before (and without) any JavaScript: the server renders everything a reader
// needs, and the language icons are plain links that the server answers (R3 "server-rendered so
// it shows at once"; R2 per-language content; STYLE.md §6 "each critical page also works before
// hydration").
import { expect, test } from '@playwright/test';
import { DEMO_CARD, languageLink } from './helpers';

// The server picks the card's language from ?lang=, then Accept-Language, then the card's default
// (server/src/cards/negotiate.rs); these tests read the card as a Korean reader would.
test.use({ javaScriptEnabled: false, locale: 'ko-KR' });

test.describe('card page without JavaScript', () => {
  // R3, R2
  test('shows the demo card name, phone, e-mail link and language links', async ({ page }) => {
    const response = await page.goto(DEMO_CARD.path);
    expect(response?.status()).toBe(200);

    await expect(page.locator('h1')).toHaveText(DEMO_CARD.names.ko);
    await expect(page.getByText(DEMO_CARD.officePhone).first()).toBeVisible();
    await expect(page.locator(`a[href="mailto:${DEMO_CARD.email}"]`)).toHaveCount(1);
    for (const lang of ['ko', 'en', 'ja', 'zh']) {
      await expect(page.locator(languageLink(lang)), `language link ${lang}`).toHaveCount(1);
    }
    // Sharing needs script: without it the button stays hidden and the e-mail link shares.
    await expect(page.locator('.share-button')).toBeHidden();
    await expect(page.locator('a[href^="mailto:?subject="]')).toBeVisible();
  });

  // R3, R2 (¶48 language switch icons)
  test('following the English language link renders the English name', async ({ page }) => {
    await page.goto(DEMO_CARD.path);
    const english = page.locator(languageLink('en'));
    await expect(english).toHaveAttribute('href', /[?&]lang=en(?:&|#|$)/);

    await english.click();

    await expect(page).toHaveURL(/[?&]lang=en(?:&|#|$)/);
    await expect(page.locator('h1')).toHaveText(DEMO_CARD.names.en);
  });

  // R3, R18 (a clear answer for a card that does not exist)
  test('an unknown card answers 404 with a not-found page linking home', async ({ page }) => {
    const response = await page.goto('/c/no-such-card');
    expect(response?.status()).toBe(404);

    // The issuer's side speaks the browser's language (issue 11): this browser asks for Korean.
    await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
    await expect(page.getByRole('heading', { name: '페이지를 찾을 수 없습니다' })).toBeVisible();
    await expect(page.locator('a[href="/"]').first()).toBeVisible();
  });
});
