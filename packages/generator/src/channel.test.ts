import { describe, expect, it } from 'vitest';
import { arrive, channels } from './channel.ts';
import { createRandom } from './random.ts';
import { readChannel } from './read-channel.testing.ts';

describe('arrive', () => {
  it.each(channels)('writes %s the way GA4 reads it back', (channel) => {
    const random = createRandom('channels', channel);
    for (let n = 0; n < 200; n++) {
      for (const audience of ['b2b', 'b2c'] as const) {
        const arrival = arrive(channel, random, { audience, locale: n % 3 ? 'en-US' : 'ja-JP', at: Date.UTC(2025, 4, 1) });
        expect(arrival.channel).toBe(channel);
        expect(readChannel(arrival)).toBe(channel);
      }
    }
  });

  it('puts UTM tags and click ids in the landing URL, as the SDK reads them', () => {
    const arrival = arrive('Paid Social', createRandom(1), { audience: 'b2b', locale: 'en-US', at: Date.UTC(2025, 4, 1) });
    const params = new URLSearchParams(arrival.search);
    for (const [key, value] of Object.entries(arrival.utm ?? {})) expect(params.get(key === 'name' ? 'utm_campaign' : `utm_${key}`)).toBe(value);
    for (const [key, value] of Object.entries(arrival.clickIds ?? {})) expect(params.get(key)).toBe(value);
  });

  it('names source and medium as GA4 does: a click id wins over the tags', () => {
    const random = createRandom(2);
    const search = arrive('Paid Search', random, { audience: 'b2b', locale: 'en-US', at: 0 });
    expect(search.medium).toBe('cpc');
    const direct = arrive('Direct', random, { audience: 'b2c', locale: 'en-US', at: 0 });
    expect([direct.source, direct.medium, direct.campaign]).toEqual(['(direct)', '(none)', '(not set)']);
    const email = arrive('Email', random, { audience: 'b2b', locale: 'en-US', at: Date.UTC(2025, 2, 9), purpose: 'invite' });
    expect([email.source, email.medium, email.campaign]).toEqual(['product', 'email', 'team_invite']);
  });
});
