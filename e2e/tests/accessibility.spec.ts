// Accessibility (BRIEF R3: keyboard, screen reader, contrast): axe-core's WCAG 2.1 A/AA rules on
// every page a caller or an issuer sees, and the card's language switch driven by keyboard alone.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import {
  confirmationPath,
  DEMO_CARD,
  gotoHydrated,
  languageLink,
  logInAsDemoIssuer,
  uniqueEmail,
} from './helpers';

async function expectNoViolations(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const summary = results.violations.map(
    (violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
  );
  expect(summary, `${what} has accessibility violations`).toEqual([]);
}

test.describe('accessibility', () => {
  test.use({ locale: 'ko-KR' });

  test('public pages pass WCAG 2.1 AA checks', async ({ page }) => {
    await gotoHydrated(page, DEMO_CARD.path);
    await expectNoViolations(page, 'the card page');
    await page.goto(`${DEMO_CARD.path}/call`);
    await expectNoViolations(page, 'the call window');
    // Issue 10: "Call me back" refused without JavaScript, and a callback's status page.
    await page.locator('#callback-number').fill('02-1234-56789');
    await page.locator('form.callback-form button[type=submit]').click();
    await expect(page.locator('.callback-refused')).toBeVisible();
    await expectNoViolations(page, 'the call window with a refused number');
    await page.goto(`${DEMO_CARD.path}/callback/0123456789abcdef0123456789abcdef`);
    await expectNoViolations(page, "a callback's status page");
    await page.goto('/c/no-such-card');
    await expectNoViolations(page, 'the 404 page');
    await page.goto('/');
    await expectNoViolations(page, 'the home page');
  });

  test('issuer pages pass WCAG 2.1 AA checks, with and without field errors', async ({ page }) => {
    const email = uniqueEmail('a11y');
    await page.goto('/signup');
    await expectNoViolations(page, 'the sign-up page');
    await page.fill('input[name=email]', email);
    await page.fill('input[name=display_name]', 'A11y Tester');
    await page.fill('input[name=password]', 'abc');
    await page.locator('form[action="/signup"] button[type=submit]').click();
    await expectNoViolations(page, 'the sign-up page with errors');
    await page.fill('input[name=password]', 'a long enough password');
    await page.locator('form[action="/signup"] button[type=submit]').click();
    await expect(page.locator(`[data-sign-up-sent="${email}"]`)).toBeVisible();
    await expectNoViolations(page, 'the check-your-e-mail page');
    await page.goto(await confirmationPath(email));
    await expectNoViolations(page, 'the confirmation page');
    await page.fill('form[action="/confirm"] input[name=password]', 'a long enough password');
    await page.locator('form[action="/confirm"] button[type=submit]').click();
    await expect(page).toHaveURL(/\/dashboard$/);
    await expectNoViolations(page, 'the dashboard');
    await page.goto('/dashboard/cards/new');
    await expectNoViolations(page, 'the card editor');
    await page.goto('/dashboard/calls');
    await expectNoViolations(page, 'the call records');
    await page.goto('/dashboard/calls?from=not-a-date');
    await expectNoViolations(page, 'the call records with a search error');
    await page.goto('/login');
    await expectNoViolations(page, 'the log-in page');
  });

  test("a card's usage charts are drawn and pass WCAG 2.1 AA checks", async ({ page, browser }) => {
    // A view from someone else, so today has a bar (the issuer's own views are not counted).
    const visitor = await browser.newPage();
    await visitor.goto(DEMO_CARD.path);
    await visitor.close();
    await logInAsDemoIssuer(page);
    await page.goto(`/dashboard/cards/${DEMO_CARD.slug}/usage?days=7`);
    const views = page.locator('[data-chart="views"] svg.usage-bars');
    await expect(views).toBeVisible();
    // The tallest bar is drawn with a height on screen, so the chart is not an empty box.
    const heights = await views.locator('rect').evaluateAll((rects) =>
      rects.map((rect) => rect.getBoundingClientRect().height),
    );
    expect(heights).toHaveLength(7);
    expect(Math.max(...heights)).toBeGreaterThan(20);
    await expectNoViolations(page, "a card's usage page");
  });

  test('the language switch works from the keyboard alone', async ({ page }) => {
    await gotoHydrated(page, DEMO_CARD.path);
    await page.locator(languageLink('ko')).focus();
    await page.keyboard.press('Tab');
    await expect(page.locator(languageLink('en'))).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.locator('h1')).toHaveText(DEMO_CARD.names.en);
    await expect(page.locator(languageLink('en'))).toHaveAttribute('aria-current', 'true');
  });
});
