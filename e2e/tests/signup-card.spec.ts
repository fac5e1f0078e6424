// An issuer signs up, makes a card in the designer and publishes it; the public page shows it at
// once; logging out closes the dashboard again (R1 accounts and sessions, R2 cards, R5 edits show
// at once, R18 inputs validated with a clear message and nothing typed lost).
import { expect, test, type Page } from '@playwright/test';
import { gotoHydrated, signUpAndConfirm, uniqueEmail, waitForHydration } from './helpers';

const GOOD_PASSWORD = 'correct horse battery staple';

function signupForm(page: Page) {
  return page.locator('form', { has: page.locator('input[name=email]') });
}

function pathIs(expected: string) {
  return (url: URL) => url.pathname === expected;
}

test.describe('sign-up and the card designer', () => {
  // R1, R18
  test('sign-up with a 3-character password shows a password error and keeps the e-mail', async ({
    page,
  }) => {
    const email = uniqueEmail('short-password');
    await gotoHydrated(page, '/signup');
    const form = signupForm(page);

    await form.locator('input[name=email]').fill(email);
    await form.locator('input[name=display_name]').fill('Too Short');
    await form.locator('input[name=password]').fill('abc');
    await form.locator('button[type=submit]').click();

    await expect(page.locator('[data-field-error=password]')).toBeVisible();
    await expect(page.locator('[data-field-error=password]')).not.toBeEmpty();
    await expect(page.locator('input[name=email]')).toHaveValue(email);
    await expect(page).not.toHaveURL(pathIs('/dashboard'));
  });

  // R1, R2, R5
  test('a new issuer signs up, publishes a card that shows publicly, then logs out', async ({
    page,
  }) => {
    await test.step('sign up and confirm the address', async () => {
      await signUpAndConfirm(page, {
        email: uniqueEmail('designer'),
        name: 'Ada',
        password: GOOD_PASSWORD,
      });
    });

    await test.step('make and publish a card', async () => {
      await waitForHydration(page);
      await page.locator('a[href="/dashboard/cards/new"]').first().click();
      await expect(page).toHaveURL(pathIs('/dashboard/cards/new'));
      await waitForHydration(page);

      const designer = page.locator('form', {
        has: page.locator('input[name="content.en.name"]'),
      });
      await designer.locator('input[name="content.en.name"]').fill('Ada Lovelace');
      await designer.locator('input[name="content.en.title"]').fill('Analyst');
      await designer.locator('select[name=default_lang]').selectOption('en');
      await designer.locator('input[name="contacts.email"]').fill('ada@example.com');
      await designer.locator('input[name="contacts.mobile"]').fill('010-2222-3333');
      await designer.locator('input[name=published]').check();
      await expect(designer.locator('input[name=published]')).toBeChecked();
      await page.getByRole('button', { name: 'Save card' }).click();

      await expect(page).toHaveURL(pathIs('/dashboard'));
    });

    await test.step('the public page shows the new card', async () => {
      const cardLink = page.locator('a[href^="/c/"]', { hasText: 'Ada Lovelace' });
      await expect(cardLink).toHaveCount(1);
      await cardLink.click();

      await expect(page).toHaveURL((url) => url.pathname.startsWith('/c/'));
      await expect(page.locator('h1')).toHaveText('Ada Lovelace');
      await expect(page.getByText('Analyst').first()).toBeVisible();
    });

    await test.step('log out closes the dashboard', async () => {
      await gotoHydrated(page, '/dashboard');
      await page.locator('form[action="/logout"] button').click();
      await page.waitForLoadState('load');

      await page.goto('/dashboard');
      await expect(page).toHaveURL(pathIs('/login'));
    });
  });
});
