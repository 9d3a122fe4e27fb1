import { describe, expect, it, vi } from 'vitest';
import { recorder, start } from '../test/recorder.ts';
import { readCookie } from './storage.ts';

const sendOne = async (journey: ReturnType<typeof start>, event = 'Ping') => {
  journey.track(event);
  await journey.flush();
};

describe('identity on the device', () => {
  it('keeps one anonymousId in a cookie and localStorage, across page loads', async () => {
    const { transport, events } = recorder();
    await sendOne(start({ transport }), 'First load');
    const anonymousId = events()[0]!.anonymousId!;
    expect(readCookie('journey_aid')).toBe(anonymousId);
    expect(JSON.parse(localStorage.getItem('journey_aid')!)).toBe(anonymousId);

    await sendOne(start({ transport }), 'Second load');
    expect(events().map((event) => event.anonymousId)).toEqual([anonymousId, anonymousId]);
  });

  it('restores the anonymousId from localStorage when the cookie is gone (Safari caps script cookies)', async () => {
    const { transport, events } = recorder();
    await sendOne(start({ transport }));
    const anonymousId = events()[0]!.anonymousId;
    document.cookie = 'journey_aid=;max-age=0;path=/';
    await sendOne(start({ transport }));
    expect(events()[1]!.anonymousId).toBe(anonymousId);
    expect(readCookie('journey_aid')).toBe(anonymousId);
  });

  it('remembers the user, account and traits for later pages', async () => {
    const { transport, events } = recorder();
    const journey = start({ transport });
    journey.identify('user-42', { email: 'ada@acme.com', plan: 'team' });
    journey.group('acme');
    await journey.flush();
    const next = start({ transport });
    next.identify({ role: 'cto' });
    await next.flush();
    expect(events().at(-1)).toMatchObject({
      userId: 'user-42',
      traits: { email: 'ada@acme.com', plan: 'team', role: 'cto' },
      context: { groupId: 'acme' },
    });
  });

  it('forgets the user and starts a new anonymousId on reset (shared computers)', async () => {
    const { transport, events } = recorder();
    const journey = start({ transport });
    journey.identify('user-42', { email: 'ada@acme.com' });
    journey.group('acme');
    journey.track('Before');
    await journey.flush();
    journey.reset();
    journey.track('After');
    await journey.flush();
    const before = events().find((event) => event.event === 'Before')!;
    const after = events().find((event) => event.event === 'After')!;
    expect(after.anonymousId).not.toBe(before.anonymousId);
    expect(after.userId).toBeUndefined();
    expect(after.context!.groupId).toBeUndefined();
    expect(after.context!.sessionId).not.toBe(before.context!.sessionId);
    // The next page load (same collector: any open tab may deliver any queued event).
    await sendOne(start({ transport }), 'Reloaded');
    // One tab flushes at a time: the first page may be the one that delivers it.
    const reloaded = await vi.waitFor(() => events().find((event) => event.event === 'Reloaded')!);
    expect(reloaded.anonymousId).toBe(after.anonymousId);
    expect(reloaded.userId).toBeUndefined();
  });

  it.each(['undefined', 'null', '', '0', '[object Object]', 'anonymous', 'NaN'])('refuses to identify as %j', async (placeholder) => {
    const { transport, events } = recorder();
    const journey = start({ transport });
    journey.identify(placeholder);
    journey.track('After');
    await journey.flush();
    expect(events().map((event) => event.type)).toEqual(['track']);
    expect(events()[0]!.userId).toBeUndefined();
  });
});
