import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { chromiumAvailable, launchChromium } from './browser.ts';
import { root, startCollector, tempDir, type CollectorProcess } from './support.ts';

const writeKey = 'wk_dashboard_0123456789';
const secretKey = 'sk_dashboard_0123456789abcdef';
const day = 86_400_000;
/** Screenshots of each page, for a person to look at (CI keeps test-results/). */
const artifacts = join(root, 'test-results', 'dashboard');

/** Visits whose page path and title are markup: they must show as text. */
const payload = '<script>document.title="owned"</script><img src=x onerror=alert(1)>';
const hostile = Array.from({ length: 6 }, (_, i) => ({
  type: 'page',
  messageId: `xss-${i}`,
  anonymousId: `xss-device-${i}`,
  timestamp: new Date(Date.now() - (i + 1) * day).toISOString(),
  context: { page: { url: 'https://www.example.com/x', path: `/${payload}`, title: payload }, campaign: { source: 'sms-blast', medium: 'sms', name: payload } },
}));

describe.runIf(chromiumAvailable())('the dashboard in Chromium, against the real collector', () => {
  let browser: Browser;
  let collector: CollectorProcess;
  const data = tempDir('dashboard');
  const api = async (path: string) => (await fetch(`${collector.url}${path}`, { headers: { Authorization: `Bearer ${secretKey}` } })).json();

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    // As a newcomer's `npm start`: an empty database gets the demo journeys.
    collector = await startCollector({ JOURNEY_DB: join(data.path, 'journey.db'), JOURNEY_WRITE_KEYS: writeKey, JOURNEY_SECRET_KEY: secretKey, JOURNEY_SEED_DEMO: '1' });
    const response = await fetch(`${collector.url}/v1/batch`, { method: 'POST', body: JSON.stringify({ batch: hostile }), headers: { 'Content-Type': 'application/json', Authorization: `Basic ${btoa(`${writeKey}:`)}` } });
    expect(response.status).toBe(200);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    collector?.child.kill('SIGTERM');
    await collector?.exited;
    data.remove();
  });

  /** The map's cells and the funnel's reached column as the page shows them. */
  const shown = (page: Page) =>
    page.evaluate(() => ({
      cells: [...document.querySelectorAll<HTMLElement>('td[data-channel]')]
        .filter((cell) => cell.textContent!.trim() !== '')
        .map((cell) => ({ stage: cell.dataset['stage'], channel: cell.dataset['channel'], touchpoints: Number(cell.firstChild!.textContent!.replace(/,/g, '')) })),
      reached: [...document.querySelectorAll<HTMLElement>('.funnel-table tbody tr')].map((row) => ({ stage: row.dataset['stage'], reached: Number(row.querySelector('td')!.textContent!.replace(/,/g, '')) })),
    }));
  const sorted = <T extends { stage?: string; channel?: string }>(list: T[]) => [...list].sort((a, b) => `${a.stage}/${a.channel}`.localeCompare(`${b.stage}/${b.channel}`));

  it('signs in, draws the demo journey map with the numbers of the API, filters it, and shows stored markup as text', { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });

    await page.goto(`${collector.url}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/login');
    await page.screenshot({ path: join(artifacts, 'sign-in.png') });
    await page.getByLabel('Secret key').fill(secretKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/dashboard');
    expect((await context.cookies()).find((cookie) => cookie.name === 'journey_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/dashboard' });

    // The last 90 days, as the API's default.
    const [map, funnel] = [await api('/v1/journey-map'), await api('/v1/funnel')];
    const overview = await shown(page);
    expect(overview.cells.length).toBeGreaterThan(10);
    expect(funnel.people.cohort).toBeGreaterThan(50);
    expect(sorted(overview.cells)).toEqual(sorted(map.cells.map(({ stage, channel, touchpoints }: any) => ({ stage, channel, touchpoints }))));
    expect(overview.reached).toEqual(funnel.people.stages.map(({ stage, reached }: any) => ({ stage, reached })));
    await page.screenshot({ path: join(artifacts, 'overview.png'), fullPage: true });

    // Keyboard first: Tab reaches the skip link, then the navigation.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Journey');

    // The filter form: SMS, where only the hostile visits came from.
    await page.getByLabel('Channel', { exact: true }).selectOption('SMS');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/channel=SMS/);
    const filtered = await shown(page);
    const smsMap = await api('/v1/journey-map?channel=SMS');
    expect(sorted(filtered.cells)).toEqual(sorted(smsMap.cells.map(({ stage, channel, touchpoints }: any) => ({ stage, channel, touchpoints }))));
    expect(filtered.cells).toContainEqual({ stage: 'awareness', channel: 'SMS', touchpoints: 6 });
    await page.screenshot({ path: join(artifacts, 'overview-sms.png'), fullPage: true });

    // The payload is on the page as text, and nothing of it ran or became an element.
    expect(await page.locator('.top-touchpoints').first().innerText()).toContain(`/${payload}`);
    expect(await page.locator('main script, main img').count()).toBe(0);
    expect(await page.title()).toBe('Journey map · Journey');
    expect(dialogs).toEqual([]);

    // At phone width the map scrolls inside its box; the page itself does not.
    await page.setViewportSize({ width: 390, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(artifacts, 'overview-phone.png'), fullPage: true });

    // Accounts: the list, then the most recently active account's page, with its numbers.
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('link', { name: 'Accounts', exact: true }).click();
    await page.waitForURL('**/dashboard/accounts');
    const accounts = await api('/v1/accounts');
    expect(await page.locator('table.directory tbody tr').count()).toBe(Math.min(50, accounts.total));
    await page.screenshot({ path: join(artifacts, 'accounts.png'), fullPage: true });
    const top = accounts.accounts[0];
    await page.locator('table.directory tbody tr').first().getByRole('link').click();
    await page.waitForURL(`**/dashboard/accounts/${encodeURIComponent(top.id)}`);
    const accountJourney = await api(`/v1/accounts/${encodeURIComponent(top.id)}/journey`);
    expect(await page.locator('dl.facts').nth(1).innerText()).toContain(`${accountJourney.stats.touches.toLocaleString('en')} in ${accountJourney.stats.sessions.toLocaleString('en')} visits`);
    expect(await page.locator('ol.timeline > li').count()).toBe(Math.min(500, accountJourney.touchpoints.length));
    await page.screenshot({ path: join(artifacts, 'account.png'), fullPage: true });

    // One of its people, from the account's page.
    await page.locator('ul.people a').first().click();
    await page.waitForURL('**/dashboard/people/*');
    const personId = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1)!);
    const personJourney = await api(`/v1/persons/${encodeURIComponent(personId)}/journey`);
    expect(await page.locator('dl.facts').nth(1).innerText()).toContain(`${personJourney.stats.touches.toLocaleString('en')} in ${personJourney.stats.sessions.toLocaleString('en')} visits`);
    expect(await page.locator('ol.timeline li').count()).toBe(personJourney.touchpoints.length);
    await page.screenshot({ path: join(artifacts, 'person.png'), fullPage: true });

    // People: a search by email finds them.
    const email = (await api(`/v1/persons?q=${encodeURIComponent(personId)}`)).persons[0]?.email;
    expect(email).toMatch(/@/);
    await page.getByRole('link', { name: 'People', exact: true }).click();
    await page.getByLabel('Search people').fill(email);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/q=/);
    expect(await page.locator('table.directory tbody tr').count()).toBe(1);
    await page.screenshot({ path: join(artifacts, 'people.png'), fullPage: true });

    // Attribution, by the model picked; paths as a flow.
    await page.getByRole('link', { name: 'Attribution', exact: true }).click();
    await page.getByLabel('Model', { exact: true }).selectOption('w_shaped');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/model=w_shaped/);
    const credit = await api('/v1/attribution?model=w_shaped');
    expect(await page.locator('p.summary').innerText()).toContain(`W-shaped: ${credit.conversions} conversions`);
    expect(await page.locator('svg.bars').first().locator('rect').count()).toBe(credit.byChannel.length);
    await page.screenshot({ path: join(artifacts, 'attribution.png'), fullPage: true });
    await page.getByRole('link', { name: 'Paths', exact: true }).click();
    await page.waitForURL('**/dashboard/paths');
    const paths = await api('/v1/paths?steps=4&top=12');
    expect(await page.locator('table.paths').first().locator('tbody tr').count()).toBe(paths.channels.length);
    expect(await page.locator('svg.flow path.link').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(artifacts, 'paths.png'), fullPage: true });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/dashboard/login');
    await page.goto(`${collector.url}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/login');
    await context.close();
  });
});
