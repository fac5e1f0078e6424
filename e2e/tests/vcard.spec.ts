// "Save contact" exports the card as a vCard that contact apps accept (R4: vCard 4.0 per RFC 6350
// and 3.0, with the languages) and that carries the card's URL so they can refresh it (R5); the
// card is also distributed as a QR code in SVG and PNG (R6).
import { expect, test } from '@playwright/test';
import fs from 'node:fs/promises';
import {
  DEMO_CARD,
  gotoHydrated,
  paramValue,
  parseVcard,
  propertiesNamed,
  type ParsedVcard,
} from './helpers';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function values(card: ParsedVcard, name: string): string[] {
  return propertiesNamed(card, name).map((property) => property.value);
}

test.describe('vCard export and QR codes', () => {
  // R4, R5
  test('the save-contact link downloads a well-formed vCard 4.0 of the card', async ({
    page,
    baseURL,
  }) => {
    // Hydrated on purpose: the client-side router must let this link through to the server.
    await gotoHydrated(page, DEMO_CARD.path);
    const saveContact = page.locator('a[href$="/vcard"]').first();

    const [download] = await Promise.all([page.waitForEvent('download'), saveContact.click()]);
    const bytes = await fs.readFile(await download.path());
    const text = bytes.toString('utf8');
    const card = parseVcard(text);

    expect(card.crlfOnly, 'every line ends with CRLF, the last one too').toBe(true);
    const tooLong = card.physicalLines.filter((line) => Buffer.byteLength(line, 'utf8') > 75);
    expect(tooLong, 'physical lines longer than 75 octets').toEqual([]);

    const names = card.properties.map((property) => property.name);
    expect(names[0]).toBe('BEGIN');
    expect(card.properties[0].value.toUpperCase()).toBe('VCARD');
    expect(names.at(-1)).toBe('END');
    expect(card.properties.at(-1)?.value.toUpperCase()).toBe('VCARD');
    expect(values(card, 'VERSION')).toEqual(['4.0']);

    const fullNames = propertiesNamed(card, 'FN');
    const fullNameIn = (lang: string) =>
      fullNames.filter((fn) => paramValue(fn, 'LANGUAGE') === lang).map((fn) => fn.value);
    expect(fullNameIn('ko')).toContain(DEMO_CARD.names.ko);
    expect(fullNameIn('en')).toContain(DEMO_CARD.names.en);

    expect(values(card, 'TEL').some((tel) => tel.includes('3456-1234'))).toBe(true);
    expect(values(card, 'EMAIL')).toContain(DEMO_CARD.email);

    const cardUrl = `${baseURL}${DEMO_CARD.path}`;
    expect([...values(card, 'SOURCE'), ...values(card, 'URL')]).toContain(cardUrl);
  });

  // R4 (Outlook and older phones read 3.0)
  test('version=3.0 answers a vCard 3.0 with a vCard content type', async ({ request }) => {
    const response = await request.get(`${DEMO_CARD.path}/vcard?version=3.0`);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toMatch(/^text\/(x-)?vcard\b/i);

    const card = parseVcard(await response.text());
    expect(values(card, 'VERSION')).toEqual(['3.0']);
  });

  // R6
  test('the QR code is served as SVG', async ({ request }) => {
    const response = await request.get(`${DEMO_CARD.path}/qr.svg`);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toMatch(/^image\/svg\+xml\b/i);
    expect(await response.text()).toContain('<svg');
  });

  // R6
  test('the QR code is served as PNG', async ({ request }) => {
    const response = await request.get(`${DEMO_CARD.path}/qr.png`);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toMatch(/^image\/png\b/i);
    const body = await response.body();
    expect(body.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)).toBe(true);
  });
});
