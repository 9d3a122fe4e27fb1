import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { chromiumAvailable, launchChromium } from './browser.ts';
import { startCollector, tempDir, type CollectorProcess } from './support.ts';

const writeKey = 'wk_browser_0123456789';
const secretKey = 'sk_browser_0123456789abcdef';

describe.runIf(chromiumAvailable())('the SDK in Chromium, against the real collector and the demo site', () => {
  let browser: Browser;
  let collector: CollectorProcess;
  const data = tempDir('browser');

  beforeAll(async () => {
    collector = await startCollector(
      { JOURNEY_DB: join(data.path, 'journey.db'), JOURNEY_WRITE_KEYS: writeKey, JOURNEY_SECRET_KEY: secretKey },
      ['--site', 'examples/site/public'],
    );
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    collector?.child.kill('SIGTERM');
    await collector?.exited;
    data.remove();
  });

  const storedEvents = async () => {
    const response = await fetch(`${collector.url}/v1/events?limit=1000`, { headers: { Authorization: `Bearer ${secretKey}` } });
    return (await response.json()).events as Array<Record<string, any>>;
  };
  const describeEvent = (event: Record<string, any>) =>
    event.type === 'page' ? `page ${event.context.page.path}` : `${event.type} ${event.event ?? ''}`.trim();

  it('records a whole visit — pages, SPA views, a sign-up, an offline spell and a reload — each event once, in order', { timeout: 90_000 }, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    await page.goto(`${collector.url}/?utm_source=newsletter&utm_medium=email&utm_campaign=autumn`);
    await page.click('text=Pricing');
    await page.waitForURL('**/pricing.html');

    // A started sign-up, left for the docs: a friction point.
    await page.goto(`${collector.url}/signup.html`);
    await page.fill('input[type=email]', 'ada@acme.com');
    await page.click('header >> text=Docs');
    await page.waitForURL('**/docs.html');

    // The sign-up, submitted: the page navigates away at once.
    await page.goto(`${collector.url}/signup.html`);
    await page.fill('input[type=email]', 'ada@acme.com');
    await page.fill('input[autocomplete=name]', 'Ada Lovelace');
    await page.fill('input[autocomplete=organization]', 'Acme');
    await page.click('button[type=submit]');
    await page.waitForURL('**/thanks.html*');

    // The single-page app: views change with pushState, no page load.
    await page.click('text=open it now');
    await page.waitForURL('**/app/dashboard');
    await page.click('header >> text=Accounts');
    await page.click('header >> text=Settings');
    await page.click('#demo');

    // Offline: events wait in IndexedDB, through a failed reload.
    await context.setOffline(true);
    await page.evaluate(() => {
      const journey = (window as unknown as { journey: { track(event: string): void } }).journey;
      journey.track('Offline One');
      journey.track('Offline Two');
    });
    await page.waitForFunction(async () => {
      const request = indexedDB.open('journey');
      const db: IDBDatabase = await new Promise((resolve) => (request.onsuccess = () => resolve(request.result)));
      const count: number = await new Promise((resolve) => {
        const counting = db.transaction('queue').objectStore('queue').count();
        counting.onsuccess = () => resolve(counting.result);
      });
      db.close();
      return count >= 2;
    });
    await page.reload().catch(() => {}); // no network: the browser's error page
    await context.setOffline(false);
    await page.goto(`${collector.url}/app/settings`);

    const expected = [
      'page /',
      'page /pricing.html',
      'page /signup.html',
      'track Form Abandoned',
      'page /docs.html',
      'page /signup.html',
      'track Signed Up',
      'page /thanks.html',
      'page /app/dashboard',
      'page /app/accounts',
      'page /app/settings',
      'track Requested Demo',
      'track Offline One',
      'track Offline Two',
      'page /app/settings',
    ];
    // Polled as the described list, so a failure names the missing event.
    const described = async () => [...(await storedEvents())].sort((a, b) => (a.messageId < b.messageId ? -1 : 1)).map(describeEvent);
    await expect.poll(described, { timeout: 20_000 }).toEqual(expected);
    // Nothing more trickles in: a re-sent beacon would have been stored only once anyway.
    await page.waitForTimeout(1500);
    const events = await storedEvents();
    const inOrder = [...events].sort((a, b) => (a.messageId < b.messageId ? -1 : 1));
    expect(inOrder.map(describeEvent)).toEqual(expected);
    expect(new Set(events.map((event) => event.messageId)).size).toBe(events.length);
    expect(new Set(events.map((event) => event.anonymousId)).size).toBe(1);

    const signedUp = events.find((event) => event.event === 'Signed Up')!;
    expect(signedUp.context.traits).toEqual({ email: 'ada@acme.com', name: 'Ada Lovelace', company: 'Acme' });
    expect(events.find((event) => event.event === 'Form Abandoned')!.properties).toMatchObject({ lastField: 'email' });
    // The landing campaign stays with the session; the SPA views carry the previous view as referrer.
    expect(events[1]!.context.campaign).toEqual({ source: 'newsletter', medium: 'email', name: 'autumn' });
    expect(events.find((event) => event.context.page.path === '/app/accounts')!.context.page.referrer).toBe(`${collector.url}/app/dashboard`);
    expect(events.every((event) => event.client.browser?.name === 'Chrome')).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('replays calls made through the stub before the script loaded, in order', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // Delay the SDK so the page's own calls land in the stub's queue first.
    await page.route('**/journey.js', async (route) => {
      const response = await route.fetch();
      await new Promise((resolve) => setTimeout(resolve, 300));
      await route.fulfill({ response });
    });
    // domcontentloaded: the inline stub has run, the async script has not arrived yet.
    await page.goto(`${collector.url}/docs.html`, { waitUntil: 'domcontentloaded' });
    await page.evaluate(() => {
      const stub = (window as unknown as { journey: Array<unknown> & Record<string, (...args: unknown[]) => void> }).journey;
      stub.identify!('user-stub', { email: 'stub@acme.com' });
      stub.group!('acme-stub');
      stub.track!('Read Docs');
    });
    await expect
      .poll(async () => (await storedEvents()).filter((event) => event.userId === 'user-stub').map(describeEvent), { timeout: 10_000 })
      .toEqual(['identify', 'group', 'track Read Docs', 'page /docs.html']);
    await context.close();
  });
});
