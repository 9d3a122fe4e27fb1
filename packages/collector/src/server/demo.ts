/**
 * Demo journeys for a newcomer: when the database is empty, `npm start` fills it with the
 * generator's B2B year ending today (people, accounts, sign-ups, deals, offline touchpoints),
 * sent through the collector's own API like any site's events, so the dashboard shows a full
 * journey map at once. JOURNEY_SEED_DEMO=0 starts empty.
 */
import type { Hono } from 'hono';
import { generate } from '@journey/generator';

const day = 86_400_000;

export interface DemoSeeded {
  events: number;
  people: number;
  accounts: number;
  touchpoints: number;
}

export async function seedDemo(app: Hono, keys: { writeKey: string; secretKey: string }, now: number): Promise<DemoSeeded | null> {
  const admin = { Authorization: `Bearer ${keys.secretKey}` };
  const probe = await app.request('/v1/events?limit=1', { headers: admin });
  if (!probe.ok) throw new Error(`demo data: could not tell whether the database is empty (${probe.status})`);
  if ((await probe.json()).events.length > 0) return null;

  const people = 300;
  const accounts = 15;
  const dataset = generate({ seed: 'journey-demo', people, accounts, events: 12_000, start: Math.floor(now / day) * day - 365 * day, days: 365 });
  let events = 0;
  for (const batch of dataset.batches(500)) {
    const response = await app.request('/v1/batch', {
      method: 'POST',
      body: JSON.stringify({ batch }),
      headers: { 'Content-Type': 'application/json', Authorization: `Basic ${btoa(`${keys.writeKey}:`)}` },
    });
    if (!response.ok) throw new Error(`demo data: a batch was refused (${response.status}): ${await response.text()}`);
    events += batch.length;
  }
  const imported = await app.request('/v1/import', { method: 'POST', body: JSON.stringify(dataset.touchpoints), headers: { ...admin, 'Content-Type': 'application/json' } });
  if (!imported.ok) throw new Error(`demo data: the offline touchpoints were refused (${imported.status}): ${await imported.text()}`);
  return { events, people, accounts, touchpoints: dataset.touchpoints.length };
}
