// Hostile text stays text (issue 8, "script in the issuer's own session"; R4 import, R18): a
// shared .vcf whose NOTE closes the editor's <textarea> must not run script in the signed-in
// issuer's page, and must come back as the very text it was. Every page type carries the
// Content-Security-Policy, and our own pages (hydration included) never trip it.
import { expect, test, type Page } from '@playwright/test';
import { DEMO_CARD, signUpAndConfirm, uniqueEmail, waitForHydration } from './helpers';

const NOTES = [
  '</textarea><img src=x onerror="window.__pwned=1">',
  '</textarea><script>window.__pwned=2</script>',
];

/** CSP violations, from the page's own events and from the console, as they happen. */
async function watchPolicyViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) {
      violations.push(`console: ${message.text()}`);
    }
  });
  await page.exposeFunction('__reportViolation', (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { __reportViolation: (text: string) => void })
        .__reportViolation;
      report(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`);
    });
  });
  return violations;
}

/** Signs up a fresh issuer through the form; the browser is then signed in. */
async function signUp(page: Page): Promise<void> {
  await signUpAndConfirm(page, {
    email: uniqueEmail('hostile'),
    name: 'Mallory Target',
    password: 'correct horse battery staple',
  });
}

function vcard(note: string): string {
  return ['BEGIN:VCARD', 'VERSION:4.0', 'FN:Mallory', `NOTE:${note}`, 'END:VCARD', ''].join('\r\n');
}

test.describe('hostile input in the issuer session', () => {
  for (const [index, note] of NOTES.entries()) {
    // R4, R18
    test(`an imported vCard note is shown as text and runs nothing (${index + 1})`, async ({
      page,
    }) => {
      const violations = await watchPolicyViolations(page);
      const dialogs: string[] = [];
      page.on('dialog', async (dialog) => {
        dialogs.push(dialog.message());
        await dialog.dismiss();
      });
      await signUp(page);
      await waitForHydration(page);

      await page.locator('#vcard-file').setInputFiles({
        name: 'mallory.vcf',
        mimeType: 'text/vcard',
        buffer: Buffer.from(vcard(note)),
      });
      await page.locator('form[action="/dashboard/cards/import"] button[type=submit]').click();
      await expect(page.locator('input[name="content.en.name"]')).toHaveValue('Mallory');
      await waitForHydration(page);
      await page.waitForLoadState('networkidle');

      await expect(page.locator('textarea[name="content.en.note"]')).toHaveValue(note);
      await expect(page.locator('img[src="x"]')).toHaveCount(0);
      const pwned = await page.evaluate(
        () => (window as unknown as { __pwned?: number }).__pwned,
      );
      expect(pwned, 'no script from the note ran').toBeUndefined();
      expect(dialogs).toEqual([]);
      expect(violations, 'the note never reached the policy: it stayed text').toEqual([]);
    });
  }

  // R18
  test('every page type sends the policy, and our own pages break none of it', async ({
    page,
  }) => {
    const violations = await watchPolicyViolations(page);
    const pages = [
      '/',
      '/signup',
      '/login',
      DEMO_CARD.path,
      `${DEMO_CARD.path}/call`,
      `/embed/${DEMO_CARD.slug}`,
      `/embed/${DEMO_CARD.slug}/call`,
    ];
    // A card's pages may be framed by callcard (and the sites its issuer names: issue 12); no
    // other page may be framed at all.
    const framedByCallcard = (path: string) => path.startsWith('/c/') || path.startsWith('/embed/');
    const signedIn = ['/dashboard', '/dashboard/cards/new', '/dashboard/calls'];
    const check = async (path: string) => {
      const response = await page.goto(path);
      expect(response, path).not.toBeNull();
      const headers = response!.headers();
      const policy = headers['content-security-policy'] ?? '';
      expect(policy, `${path} sends a Content-Security-Policy`).toContain("object-src 'none'");
      expect(policy).toMatch(/script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
      expect(policy).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      expect(headers['x-frame-options'], path).toBe(framedByCallcard(path) ? 'SAMEORIGIN' : 'DENY');
      expect(policy, path).toContain(
        framedByCallcard(path) ? "frame-ancestors 'self'" : "frame-ancestors 'none'",
      );
      await waitForHydration(page);
      await page.waitForLoadState('networkidle');
    };
    for (const path of pages) await check(path);
    await signUp(page);
    for (const path of signedIn) await check(path);

    const missing = await page.goto('/no/such/page');
    expect(missing?.status()).toBe(404);
    expect(missing?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");

    expect(violations, 'our pages run under the policy without a violation').toEqual([]);
  });
});
