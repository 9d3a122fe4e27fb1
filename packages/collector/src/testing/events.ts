/**
 * Protocol events as a site sends them, for tests that tell a journey on Northwind's site: a day
 * of January 2026 by number, and page views and track calls with unique messageIds.
 */
let ids = 0;
export const testId = (label: string): string => `${label}-${String(++ids).padStart(3, '0')}`;

/** Day `n` after Monday 5 January 2026, at `hour` UTC, as ISO 8601. */
export const januaryDay = (n: number, hour = 9): string => new Date(Date.UTC(2026, 0, 5 + n, hour)).toISOString();

export const pageView = (device: string, at: string, path: string, context: Record<string, unknown> = {}) => ({
  type: 'page',
  messageId: testId('page'),
  anonymousId: device,
  timestamp: at,
  context: { page: { url: `https://www.northwind.io${path}`, path }, ...context },
});

/** A track call on a page (`path`, default /app); `context` adds to or replaces the page's. */
export const trackCall = (device: string, at: string, event: string, { path = '/app', context = {}, ...extra }: { path?: string; context?: Record<string, unknown> } & Record<string, unknown> = {}) => ({
  type: 'track',
  messageId: testId('track'),
  anonymousId: device,
  timestamp: at,
  event,
  context: { page: { url: `https://www.northwind.io${path}`, path }, ...context },
  ...extra,
});
