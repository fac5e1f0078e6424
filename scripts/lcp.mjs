// What a caller on a slow phone sees of a card page (issue 12): Largest Contentful Paint, the
// moment the page is live (hydrated) and the bytes it downloaded, in Debian's Chromium with
// Lighthouse's mobile throttling — 150 ms round trips, 1.6 Mbit/s down, 750 kbit/s up, CPU
// slowed 4× — each run in a fresh context (cold cache). Prints each run and the medians.
//
//   node scripts/lcp.mjs http://127.0.0.1:3950/c/hong-gildong [runs]
//
// Run from the repository root after `npm ci` in e2e/ (it uses e2e's Playwright). Loopback only.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../e2e/package.json', import.meta.url));
const { chromium } = require('@playwright/test');

const url = process.argv[2];
const runs = Number(process.argv[3] ?? 5);
if (!url || !/^http:\/\/127\.0\.0\.1:\d+\//.test(url)) {
  console.error('usage: node scripts/lcp.mjs http://127.0.0.1:<port>/<path> [runs]');
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run'],
});
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const results = [];
for (let run = 0; run < runs; run += 1) {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'ko-KR' });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 150,
    downloadThroughput: (1.6 * 1024 * 1024) / 8,
    uploadThroughput: (750 * 1024) / 8,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  let bytes = 0;
  cdp.on('Network.loadingFinished', (event) => {
    bytes += event.encodedDataLength;
  });
  await page.addInitScript(() => {
    window.__lcp = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__lcp = entry.startTime;
    }).observe({ type: 'largest-contentful-paint', buffered: true });
  });
  await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 120_000 });
  const live = await page.evaluate(() => performance.now());
  // LCP is final once the page is interacted with or hidden; reading it after load is enough
  // for a page whose largest element is server-rendered.
  const lcp = await page.evaluate(() => window.__lcp);
  results.push({ lcp, live, bytes });
  console.log(`run ${run + 1}: LCP ${lcp.toFixed(0)} ms, live ${live.toFixed(0)} ms, ${bytes} bytes`);
  await context.close();
}
await browser.close();
console.log(
  `median of ${runs}: LCP ${median(results.map((r) => r.lcp)).toFixed(0)} ms, ` +
    `live ${median(results.map((r) => r.live)).toFixed(0)} ms, ` +
    `${median(results.map((r) => r.bytes))} bytes`,
);
