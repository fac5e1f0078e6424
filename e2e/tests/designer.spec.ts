// The card designer (issue 11, BRIEF R2/D2): the preview beside the form follows the typing in
// the language tab being edited, at phone and desktop widths; tabs say how complete each
// language is; "copy from" starts a translation; and all of it works without JavaScript
// through the preview route, with nothing saved until Save.
import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { gotoHydrated, signUpAndConfirm, uniqueEmail } from './helpers';

/** Videos made for the server's own tests (`server/src/cards/video/samples`). */
const SAMPLES = path.resolve(__dirname, '../../server/src/cards/video/samples');

const PASSWORD = 'correct horse battery staple';

const tab = (page: Page, lang: string) => page.locator(`label[for="tab-${lang}"]`);
const tabStatus = (page: Page, lang: string) => tab(page, lang).locator('.tab-status');
const preview = (page: Page) => page.locator('#card-preview');
const field = (page: Page, name: string) => page.locator(`#card-form [name="${name}"]`);

test.describe('the card designer', () => {
  test('the preview follows the typing, the open tab and the width, and Save stores it', async ({
    page,
  }) => {
    await signUpAndConfirm(page, { email: uniqueEmail('designer-live'), name: 'Ada', password: PASSWORD });
    await gotoHydrated(page, '/dashboard/cards/new');
    await expect(preview(page).locator('.preview-empty')).toBeVisible();
    await expect(tabStatus(page, 'en')).toHaveAttribute('data-status', 'not-on-card');

    await test.step('typing shows the card, without leaving the page', async () => {
      await field(page, 'content.en.name').fill('Ada Lovelace');
      await field(page, 'content.en.title').fill('Analyst');
      await expect(preview(page).locator('h1')).toHaveText('Ada Lovelace');
      await expect(preview(page).locator('.card-title')).toHaveText('Analyst');
      await expect(tabStatus(page, 'en')).toHaveAttribute('data-status', 'complete');
      await expect(page).toHaveURL((url) => url.pathname === '/dashboard/cards/new');
    });

    await test.step('another tab: its panel, and the preview in its language', async () => {
      await tab(page, 'ko').click();
      await expect(field(page, 'content.ko.name')).toBeVisible();
      await expect(field(page, 'content.en.name')).toBeHidden();
      // Nothing in Korean yet: callers would see English, and the preview says so.
      await expect(preview(page).locator('.preview-note')).toBeVisible();
      await expect(preview(page).locator('h1')).toHaveText('Ada Lovelace');
    });

    await test.step('copy from English fills the empty Korean fields', async () => {
      await page.locator('button[data-copy-from="en"][data-copy-into="ko"]').click();
      await expect(field(page, 'content.ko.title')).toHaveValue('Analyst');
      await field(page, 'content.ko.name').fill('에이다');
      await expect(preview(page).locator('article')).toHaveAttribute('lang', 'ko');
      await expect(preview(page).locator('h1')).toHaveText('에이다');
      await expect(preview(page).locator('.preview-note')).toHaveCount(0);
      await expect(tabStatus(page, 'ko')).toHaveAttribute('data-status', 'complete');
      await expect(tabStatus(page, 'ja')).toHaveAttribute('data-status', 'not-on-card');
    });

    await test.step('template and colours show at once', async () => {
      await field(page, 'theme.template').selectOption('minimal');
      await expect(preview(page).locator('article')).toHaveClass(/template-minimal/);
    });

    await test.step('phone and desktop widths', async () => {
      const phone = (await preview(page).boundingBox())!.width;
      await page.locator('label[for="preview-desktop"]').click();
      await expect
        .poll(async () => (await preview(page).boundingBox())!.width)
        .toBeGreaterThan(phone + 100);
      expect(phone).toBeLessThanOrEqual(400);
    });

    await test.step('nothing in the preview can be followed', async () => {
      await expect(preview(page)).toHaveAttribute('inert', '');
    });

    await test.step('Save stores what the preview showed', async () => {
      await page.getByRole('button', { name: 'Save card' }).click();
      await expect(page).toHaveURL((url) => url.pathname === '/dashboard');
      await page.locator('a[href^="/c/"]', { hasText: 'Ada Lovelace' }).click();
      await expect(page.locator('h1')).toHaveText('Ada Lovelace');
      await expect(page.locator('article')).toHaveClass(/template-minimal/);
    });
  });

  test('six templates that differ in layout, CJK-safe fonts, and a contrast warning', async ({
    page,
  }) => {
    await signUpAndConfirm(page, { email: uniqueEmail('designer-templates'), name: 'Ada', password: PASSWORD });
    await gotoHydrated(page, '/dashboard/cards/new');
    await field(page, 'content.en.name').fill('Ada Lovelace');
    await field(page, 'content.en.title').fill('Analyst');
    await field(page, 'contacts.mobile').fill('010-2222-3333');
    await page.locator('label[for="preview-desktop"]').click();
    const article = preview(page).locator('article');
    await expect(article.locator('h1')).toHaveText('Ada Lovelace');

    // A template's layout, as numbers: where the header sits against the contacts, how it is
    // aligned, and what is painted behind the card and the header.
    const layout = () =>
      article.evaluate((card) => {
        const header = card.querySelector('.card-header')!;
        const contacts = card.querySelector('.contacts')!;
        const [h, c] = [header.getBoundingClientRect(), contacts.getBoundingClientRect()];
        return {
          besideContacts: h.right <= c.left + 1,
          align: getComputedStyle(header).textAlign,
          cardBackground: getComputedStyle(card).backgroundColor,
          headerBackground: getComputedStyle(header).backgroundColor,
          border: getComputedStyle(card).borderLeftWidth + ' ' + getComputedStyle(card).borderTopWidth,
        };
      });
    const options = await field(page, 'theme.template').locator('option').evaluateAll((all) =>
      all.map((option) => (option as HTMLOptionElement).value),
    );
    expect(options).toHaveLength(6);
    const seen = new Map<string, string>();
    const main = 'rgb(31, 58, 95)'; // the default main colour, #1f3a5f
    for (const template of options) {
      await field(page, 'theme.template').selectOption(template);
      await expect(article).toHaveClass(new RegExp(`template-${template}`));
      const shape = await layout();
      seen.set(JSON.stringify(shape), template);
      if (template === 'sidebar') expect(shape.besideContacts, 'sidebar: a column beside').toBe(true);
      if (template === 'banner') expect(shape.headerBackground).toBe(main);
      if (template === 'bold') expect(shape.cardBackground).toBe(main);
      if (template === 'modern') expect(shape.align).toBe('left');
    }
    expect([...seen.values()].sort(), 'every template has a layout of its own').toEqual([...options].sort());

    await test.step('the sidebar stacks in the phone frame', async () => {
      await field(page, 'theme.template').selectOption('sidebar');
      await page.locator('label[for="preview-phone"]').click();
      await expect.poll(async () => (await layout()).besideContacts).toBe(false);
    });

    await test.step('each language in fonts that carry its glyphs', async () => {
      await tab(page, 'ja').click();
      await field(page, 'content.ja.name').fill('エイダ');
      await expect(article).toHaveAttribute('lang', 'ja');
      await expect(article).toHaveCSS('font-family', /^"Hiragino Sans"/);
      await tab(page, 'ko').click();
      await field(page, 'content.ko.name').fill('에이다');
      await expect(article).toHaveAttribute('lang', 'ko');
      await expect(article).toHaveCSS('font-family', /^"Apple SD Gothic Neo"/);
    });

    await test.step('a main colour below WCAG AA on white is flagged, unless the card is Bold', async () => {
      await expect(preview(page).locator('.contrast-warning')).toHaveCount(0);
      await field(page, 'theme.primary_color').fill('#ffd54f');
      await expect(preview(page).locator('.contrast-warning')).toContainText('1.');
      await field(page, 'theme.template').selectOption('bold');
      await expect(article).toHaveClass(/template-bold/);
      await expect(preview(page).locator('.contrast-warning')).toHaveCount(0);
    });
  });

  test('without JavaScript: CSS tabs, the preview button and copy, nothing saved', async ({
    page,
    browser,
  }) => {
    await signUpAndConfirm(page, { email: uniqueEmail('designer-plain'), name: 'Ada', password: PASSWORD });
    const plain = await browser.newContext({
      javaScriptEnabled: false,
      storageState: await page.context().storageState(),
    });
    const noScript = await plain.newPage();
    await noScript.goto('/dashboard/cards/new');
    await field(noScript, 'content.en.name').fill('Grace Hopper');
    await field(noScript, 'content.en.company').fill('Navy');
    await noScript.locator('button.update-preview').click();
    await expect(preview(noScript).locator('h1')).toHaveText('Grace Hopper');
    await expect(field(noScript, 'content.en.name')).toHaveValue('Grace Hopper');

    await tab(noScript, 'ja').click();
    await expect(field(noScript, 'content.ja.name')).toBeVisible();
    await field(noScript, 'content.ja.name').fill('グレース');
    await noScript.locator('button[data-copy-from="en"][data-copy-into="ja"]').click();
    await expect(field(noScript, 'content.ja.name')).toHaveValue('グレース');
    await expect(field(noScript, 'content.ja.company')).toHaveValue('Navy');
    await expect(field(noScript, 'content.ja.company')).toBeVisible();
    await expect(preview(noScript).locator('h1')).toHaveText('グレース');

    // Enter in a field saves (the form's first button), it does not copy or preview.
    await field(noScript, 'content.ja.name').press('Enter');
    await expect(noScript).toHaveURL((url) => url.pathname === '/dashboard');
    await expect(noScript.locator('a[href^="/c/"]', { hasText: 'Grace Hopper' })).toHaveCount(1);
    await plain.close();
  });

  test('a short video: saved with the card and a still taken from it, played only when asked (R2)', async ({
    page,
  }) => {
    await signUpAndConfirm(page, { email: uniqueEmail('designer-video'), name: 'Ada', password: PASSWORD });
    await gotoHydrated(page, '/dashboard/cards/new');
    await field(page, 'content.en.name').fill('Ada with a video');
    await page.locator('#field-video').setInputFiles(path.join(SAMPLES, 'vp9-opus.webm'));
    // No still chosen: the designer takes one from the video, and the form sends it.
    await expect
      .poll(() => page.locator('#field-poster').evaluate((input: HTMLInputElement) => input.files?.length))
      .toBe(1);
    await page.getByRole('button', { name: 'Save card' }).click();
    await expect(page).toHaveURL((url) => url.pathname === '/dashboard');
    await page.locator('a[href^="/c/"]', { hasText: 'Ada with a video' }).click();

    const video = page.locator('video.card-video');
    await expect(video).toBeVisible();
    // The still the designer took, checked and stored by the server like any image.
    const poster = await video.getAttribute('poster');
    expect(poster).toMatch(/^\/media\/[0-9a-f-]+\.jpg$/);
    const still = await page.request.get(poster!);
    expect(still.headers()['content-type']).toBe('image/jpeg');
    // Room kept for the picture (160×90 scaled to the card's width), before anything loads.
    const box = (await video.boundingBox())!;
    expect(Math.abs(box.width / box.height - 160 / 90)).toBeLessThan(0.05);
    // It does not start by itself, and it is not muted: sound waits for the caller.
    await page.waitForTimeout(1000);
    expect(await video.evaluate((v: HTMLVideoElement) => [v.paused, v.autoplay, v.muted])).toEqual([
      true,
      false,
      false,
    ]);

    await video.click();
    await video.evaluate((v: HTMLVideoElement) => v.play());
    await expect
      .poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 10_000 })
      .toBeGreaterThan(0.5);
    expect(await video.evaluate((v: HTMLVideoElement) => [v.videoWidth, v.videoHeight])).toEqual([160, 90]);
    expect(await video.evaluate((v: HTMLVideoElement) => Math.round(v.duration))).toBe(2);
  });

  test('framing the photo and the type: shown in the preview and on the card', async ({
    page,
  }) => {
    await signUpAndConfirm(page, { email: uniqueEmail('designer-frame'), name: 'Ada', password: PASSWORD });
    await gotoHydrated(page, '/dashboard/cards/new');
    await field(page, 'content.en.name').fill('Ada framed');
    // A wide picture made by the browser itself.
    const png = await page.evaluate(() => {
      const canvas = document.createElement('canvas');
      canvas.width = 128;
      canvas.height = 64;
      const context = canvas.getContext('2d')!;
      context.fillStyle = '#c0392b';
      context.fillRect(0, 0, 128, 64);
      return canvas.toDataURL('image/png').split(',')[1];
    });
    await page
      .locator('#field-photo')
      .setInputFiles({ name: 'face.png', mimeType: 'image/png', buffer: Buffer.from(png, 'base64') });
    await page.getByRole('button', { name: 'Save card' }).click();
    await expect(page).toHaveURL((url) => url.pathname === '/dashboard');
    await page.locator('a[href$="/edit"]').first().click();
    await expect(page.locator('#card-preview .card-photo img')).toBeVisible();

    await field(page, 'theme.photo_frame.x').fill('0');
    await field(page, 'theme.photo_frame.y').fill('0');
    await field(page, 'theme.photo_frame.zoom').fill('200');
    await field(page, 'theme.font').selectOption('serif');
    await expect(page.locator('#card-preview .card-photo img')).toHaveAttribute(
      'style',
      /object-position:0% 0%;transform:scale\(2\)/,
    );
    await page.getByRole('button', { name: 'Save card' }).click();
    await expect(page).toHaveURL((url) => url.pathname === '/dashboard');
    await page.locator('a[href^="/c/"]', { hasText: 'Ada framed' }).click();

    // On the card: the frame stays 96 px and round; the picture inside is twice as large,
    // enlarged from its top-left corner, and the frame clips it.
    const frame = (await page.locator('.card-photo').boundingBox())!;
    const image = (await page.locator('.card-photo img').boundingBox())!;
    expect(Math.round(frame.width)).toBe(96);
    expect(Math.round(image.width)).toBe(192);
    expect(Math.abs(image.x - frame.x)).toBeLessThan(1);
    expect(Math.abs(image.y - frame.y)).toBeLessThan(1);
    expect(await page.locator('.card-photo').evaluate((e) => getComputedStyle(e).overflow)).toBe('hidden');
    // The type chosen: the serif stack, for the name and the rest of the card.
    for (const text of [page.locator('h1'), page.locator('article.card')]) {
      expect(await text.evaluate((e) => getComputedStyle(e).fontFamily)).toMatch(/^Georgia/);
    }
  });
});
