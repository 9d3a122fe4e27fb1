import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach } from 'vitest';
import { createCollector, type CollectorOptions } from '../app.ts';
import type { CollectorSettings } from '../config.ts';
import type { Storage } from '../storage/port.ts';
import { openSqliteStorage } from '../storage/sqlite/index.ts';

export const writeKey = 'wk_test_0123456789';
export const secretKey = 'sk_test_0123456789abcdef';

const folder = mkdtempSync(join(tmpdir(), 'journey-collector-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const open: Storage[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((storage) => storage.close()));
});
let databases = 0;

export interface TestCollector {
  app: ReturnType<typeof createCollector>;
  storage: Storage;
  path: string;
  /** POST a JSON body with the write key as Basic auth (unless `auth: false`). */
  post(path: string, body: unknown, init?: { headers?: Record<string, string>; auth?: boolean }): Promise<Response>;
  /** Every stored event, as GET /v1/events returns them. */
  events(query?: string): Promise<Array<Record<string, any>>>;
}

/** A collector on a real SQLite file in a temporary folder, closed after each test. */
export async function testCollector(
  options: { config?: Partial<CollectorSettings> } & Partial<Omit<CollectorOptions, 'config' | 'storage'>> = {},
): Promise<TestCollector> {
  const path = join(folder, `collector-${++databases}.db`);
  const storage = await openSqliteStorage(path);
  open.push(storage);
  const { config, ...rest } = options;
  const app = createCollector({
    storage,
    config: { writeKeys: [{ key: writeKey, site: 'default', allowedOrigins: '*' }], secretKey, ...config },
    log: () => {},
    ...rest,
  });
  const post: TestCollector['post'] = async (route, body, init = {}) =>
    app.request(route, {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: {
        'Content-Type': 'application/json',
        ...(init.auth === false ? {} : { Authorization: basic(writeKey) }),
        ...init.headers,
      },
    });
  const events: TestCollector['events'] = async (query = '') => {
    const response = await app.request(`/v1/events?limit=1000${query}`, { headers: { Authorization: `Bearer ${secretKey}` } });
    if (response.status !== 200) throw new Error(`GET /v1/events answered ${response.status}: ${await response.text()}`);
    return (await response.json()).events;
  };
  return { app, storage, path, post, events };
}

export const basic = (user: string) => `Basic ${btoa(`${user}:`)}`;

let messages = 0;
/** A valid track event with a fresh messageId. */
export const track = (overrides: Record<string, unknown> = {}) => ({
  type: 'track',
  messageId: `m-${++messages}-${Math.random().toString(36).slice(2)}`,
  anonymousId: 'anon-1',
  event: 'Viewed Pricing',
  ...overrides,
});
