import { describe, expect, it, vi } from 'vitest';
import { recorder, start } from '../test/recorder.ts';
import { version } from './version.ts';
import packageJson from '../package.json' with { type: 'json' };

describe('events', () => {
  it('builds each call into a wire event the collector accepts', async () => {
    const { transport, events } = recorder();
    const journey = start({ transport });
    journey.page('Pricing', { plan: 'team' });
    journey.track('Requested Demo', { seats: 12 });
    journey.identify('user-42', { email: 'ada@acme.com' });
    journey.group('acme', { domain: 'acme.com' });
    journey.alias('user-43');
    await journey.flush();
    const sent = events();
    expect(sent.map((event) => event.type)).toEqual(['page', 'track', 'identify', 'group', 'alias']);
    expect(sent[0]).toMatchObject({ name: 'Pricing', properties: { plan: 'team' } });
    expect(sent[1]).toMatchObject({ event: 'Requested Demo', properties: { seats: 12 } });
    expect(sent[2]).toMatchObject({ userId: 'user-42', traits: { email: 'ada@acme.com' } });
    expect(sent[3]).toMatchObject({ groupId: 'acme', traits: { domain: 'acme.com' } });
    expect(sent[4]).toMatchObject({ userId: 'user-43', previousId: 'user-42' });
    // Once known, the user and the account ride on every later event.
    expect(sent[4]!.context).toMatchObject({ groupId: 'acme' });
    const anonymousIds = new Set(sent.map((event) => event.anonymousId));
    expect(anonymousIds.size).toBe(1);
  });

  it('describes where and how every event happened', async () => {
    history.replaceState(null, '', '/pricing?plan=team#faq');
    document.title = 'Pricing — Acme';
    const { transport, events } = recorder();
    const journey = start({ transport });
    journey.track('Viewed Plans');
    await journey.flush();
    const [event] = events();
    expect(event!.context).toMatchObject({
      page: { url: 'https://www.acme.test/pricing?plan=team#faq', path: '/pricing', search: '?plan=team', title: 'Pricing — Acme' },
      locale: navigator.language,
      timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      screen: { width: screen.width, height: screen.height },
      library: { name: 'journey.js', version },
    });
    expect(event!.context!.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event!.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(event!.originalTimestamp!)).toBeGreaterThan(Date.now() - 5000);
  });

  it('reports its version as package.json does', () => {
    expect(version).toBe(packageJson.version);
  });

  it('never throws into the page, and says why in debug mode', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { transport, events } = recorder();
    const journey = start({ transport, debug: true });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const calls = [
      () => (journey.track as (...args: unknown[]) => void)(),
      () => (journey.track as (...args: unknown[]) => void)(42),
      () => journey.track('Ok', 'not an object' as never),
      () => journey.track('Circular', circular),
      () => journey.identify('undefined'),
      () => journey.identify('[object Object]'),
      () => journey.identify('  NULL '),
      () => journey.group(''),
      () => journey.alias('0'),
      () => (journey.page as (...args: unknown[]) => void)(7),
    ];
    for (const call of calls) expect(call).not.toThrow();
    journey.track('Valid');
    await journey.flush();
    expect(events().map((event) => event.event ?? event.type)).toEqual(['Valid']);
    expect(warn.mock.calls.length).toBeGreaterThanOrEqual(calls.length);
    warn.mockRestore();
  });

  it('stays quiet about dropped calls unless debugging', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const journey = start({ transport: recorder().transport });
    journey.identify('undefined');
    expect(warn).not.toHaveBeenCalled();
    journey.debug(true);
    journey.identify('undefined');
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });
});
