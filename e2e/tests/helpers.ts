// Shared helpers of the browser tests: the demo card's facts, waiting for hydration, unique
// accounts, and a small vCard (RFC 6350 §3) reader that keeps the raw bytes around so the tests
// can check the wire format (CRLF, folding at 75 octets) as well as the content.
import { expect, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DEMO_PASSWORD } from './trunk';

/** The demo card that the server seeds into every fresh database. */
export const DEMO_CARD = {
  slug: 'hong-gildong',
  path: '/c/hong-gildong',
  names: { ko: '홍길동', en: 'Hong Gildong', ja: '洪吉童', zh: '洪吉童' },
  officePhone: '02-3456-1234',
  email: 'kildong@abcd.co.kr',
} as const;

/** The selector of one language icon on a card page. */
export function languageLink(lang: string): string {
  return `nav[aria-label="Languages"] a[hreflang=${lang}]`;
}

/**
 * Waits until the WASM app has hydrated the page: the app marks `<body data-hydrated="true">`
 * at the end of its `hydrate()`. Before that, clicks are plain browser navigations.
 */
export async function waitForHydration(page: Page): Promise<void> {
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1, { timeout: 15_000 });
}

/** Signs in as the demo card's issuer (its password is set for the browser tests). */
export async function logInAsDemoIssuer(page: Page): Promise<void> {
  await page.goto('/login');
  await page.fill('input[name=email]', 'demo@callcard.example');
  await page.fill('input[name=password]', DEMO_PASSWORD);
  await page.locator('form[action="/login"] button[type=submit]').click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

/** Opens `url` and waits for hydration. */
export async function gotoHydrated(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await waitForHydration(page);
}

/**
 * Creates, as the signed-in issuer of `page`, a published card that rings only the issuer's
 * browser, at any hour (no phone line needed); returns the API's status.
 */
export async function createBrowserLineCard(
  page: Page,
  card: { slug: string; name: string; title: string; email: string },
): Promise<number> {
  return page.evaluate(async (card) => {
    const response = await fetch('/api/cards', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        slug: card.slug,
        default_lang: 'en',
        contents: [{ lang: 'en', name: card.name, title: card.title }],
        contacts: { email: card.email },
        links: [],
        published: true,
        call: {
          call_quota: 5, max_call_minutes: 10, time_zone: 'UTC',
          available_from: '00:00', available_until: '24:00',
          available_days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
          allowed_regions: ['KR'], landline: '', mobile: '', internet_phone: true,
        },
      }),
    });
    return response.status;
  }, card);
}

/** An e-mail address no earlier run has used, so sign-up never collides with stored accounts. */
export function uniqueEmail(label = 'issuer'): string {
  return `e2e-${label}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}@example.com`;
}

/**
 * The path of the confirmation link mailed to `email` (issue 8). The e2e server has no SMTP
 * server configured, so, as on any installation without one, its mail lands as `.eml` files in
 * `<data dir>/outbox`; the mail is sent just after the sign-up answers, so this waits for it.
 */
export async function confirmationPath(email: string): Promise<string> {
  const outbox = path.join(process.env.CALLCARD_E2E_DATA_DIR ?? '', 'outbox');
  let found: string | undefined;
  await expect
    .poll(
      () => {
        const files = fs.existsSync(outbox) ? fs.readdirSync(outbox) : [];
        for (const file of files.filter((name) => name.endsWith('.eml'))) {
          const text = fs.readFileSync(path.join(outbox, file), 'utf8');
          const link = /\/confirm\/([A-Za-z0-9_-]{43})/.exec(text);
          if (text.includes(`To: ${email}`) && link) found = `/confirm/${link[1]}`;
        }
        return found;
      },
      { message: `a confirmation mail to ${email} in ${outbox}`, timeout: 10_000 },
    )
    .toBeTruthy();
  return found as string;
}

/**
 * Signs up through the form, opens the mailed link and confirms with the password, as a new
 * issuer does; the page ends signed in on the dashboard.
 */
export async function signUpAndConfirm(
  page: Page,
  account: { email: string; name: string; password: string },
): Promise<void> {
  await gotoHydrated(page, '/signup');
  const form = page.locator('form', { has: page.locator('input[name=email]') });
  await form.locator('input[name=email]').fill(account.email);
  await form.locator('input[name=display_name]').fill(account.name);
  await form.locator('input[name=password]').fill(account.password);
  await form.locator('button[type=submit]').click();
  await expect(page.locator(`[data-sign-up-sent="${account.email}"]`)).toBeVisible();
  await gotoHydrated(page, await confirmationPath(account.email));
  await page.locator('form[action="/confirm"] input[name=password]').fill(account.password);
  await page.locator('form[action="/confirm"] button[type=submit]').click();
  await expect(page).toHaveURL((url) => url.pathname === '/dashboard');
}

/** One content line of a vCard, after unfolding. Names are upper-cased, group prefixes dropped. */
export interface VcardProperty {
  /** e.g. `item1` for `item1.TEL`, otherwise undefined. */
  group?: string;
  name: string;
  /** Parameter names upper-cased; each value list unquoted and split on unquoted commas. */
  params: Record<string, string[]>;
  /** The value exactly as written (still escaped). */
  rawValue: string;
  /** The value with text escapes (`\\`, `\,`, `\;`, `\n`) undone. */
  value: string;
}

export interface ParsedVcard {
  /** The physical lines, as split on CRLF (the final empty string after the last CRLF dropped). */
  physicalLines: string[];
  /** True when every line break in the file is CRLF and the file ends with one. */
  crlfOnly: boolean;
  properties: VcardProperty[];
}

/** Reads one vCard object. Throws on a content line without a name/value colon. */
export function parseVcard(text: string): ParsedVcard {
  const crlfOnly = text.endsWith('\r\n') && !/\r(?!\n)|(?<!\r)\n/.test(text);
  const physicalLines = text.split('\r\n');
  if (physicalLines.at(-1) === '') physicalLines.pop();

  // RFC 6350 §3.2: a line break followed by one space or tab continues the previous line.
  const unfolded = text.replace(/\r?\n[ \t]/g, '');
  const logicalLines = unfolded.split(/\r?\n/).filter((line) => line.length > 0);
  return { physicalLines, crlfOnly, properties: logicalLines.map(parseContentLine) };
}

/** The properties named `name` (case-insensitive). */
export function propertiesNamed(card: ParsedVcard, name: string): VcardProperty[] {
  return card.properties.filter((property) => property.name === name.toUpperCase());
}

/** The value of `param` on `property`, lower-cased and joined, or undefined when absent. */
export function paramValue(property: VcardProperty, param: string): string | undefined {
  return property.params[param.toUpperCase()]?.join(',').toLowerCase();
}

function parseContentLine(line: string): VcardProperty {
  // The name/parameters part ends at the first colon that is not inside a quoted parameter value.
  let inQuotes = false;
  let colon = -1;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') inQuotes = !inQuotes;
    else if (ch === ':' && !inQuotes) {
      colon = i;
      break;
    }
  }
  if (colon < 0) throw new Error(`vCard content line without a colon: ${JSON.stringify(line)}`);

  const [nameWithGroup, ...rawParams] = splitUnquoted(line.slice(0, colon), ';');
  const dot = nameWithGroup.lastIndexOf('.');
  const group = dot >= 0 ? nameWithGroup.slice(0, dot) : undefined;
  const name = nameWithGroup.slice(dot + 1).toUpperCase();

  const params: Record<string, string[]> = {};
  for (const rawParam of rawParams) {
    const equals = rawParam.indexOf('=');
    // vCard 3.0 allows a bare parameter value (`TEL;CELL:`), meaning TYPE=CELL.
    const paramName = equals >= 0 ? rawParam.slice(0, equals).toUpperCase() : 'TYPE';
    const rawList = equals >= 0 ? rawParam.slice(equals + 1) : rawParam;
    const values = splitUnquoted(rawList, ',').map((v) => v.replace(/^"(.*)"$/, '$1'));
    (params[paramName] ??= []).push(...values);
  }

  const rawValue = line.slice(colon + 1);
  return { group, name, params, rawValue, value: unescapeText(rawValue) };
}

function splitUnquoted(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let inQuotes = false;
  for (const ch of text) {
    if (ch === '"') inQuotes = !inQuotes;
    if (ch === separator && !inQuotes) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

function unescapeText(value: string): string {
  return value.replace(/\\([\\,;nN])/g, (_, ch: string) => (ch === 'n' || ch === 'N' ? '\n' : ch));
}
