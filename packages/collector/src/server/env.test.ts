import { describe, expect, it } from 'vitest';
import { settingsFromEnv } from './env.ts';

describe('settingsFromEnv', () => {
  it('has defaults for everything', () => {
    const settings = settingsFromEnv({});
    expect(settings).toMatchObject({ port: 8787, database: './data/journey.db', writeKeys: undefined, secretKey: undefined });
    expect(settings.collector).toMatchObject({ storeRawIp: false, scriptPath: '/journey.js' });
  });

  it('reads write keys with their sites and origins, shared and per key', () => {
    const { writeKeys } = settingsFromEnv({
      JOURNEY_WRITE_KEYS: 'wk_a, wk_b:docs',
      JOURNEY_ALLOWED_ORIGINS: 'https://acme.com, wk_b=https://docs.acme.com, wk_b=http://localhost:3000',
    });
    expect(writeKeys).toEqual([
      { key: 'wk_a', site: 'default', allowedOrigins: ['https://acme.com'] },
      { key: 'wk_b', site: 'docs', allowedOrigins: ['https://docs.acme.com', 'http://localhost:3000'] },
    ]);
    expect(settingsFromEnv({ JOURNEY_WRITE_KEYS: 'wk_a', JOURNEY_ALLOWED_ORIGINS: '*' }).writeKeys![0]!.allowedOrigins).toBe('*');
  });

  it('reads rate limits, 0 turning them off', () => {
    const { collector } = settingsFromEnv({ JOURNEY_RATE_LIMIT_IP: '0', JOURNEY_RATE_LIMIT_WRITE_KEY: '50' });
    expect(collector.rateLimit).toEqual({ perIp: { perSecond: 0, burst: 0 }, perWriteKey: { perSecond: 50, burst: 100 } });
  });

  it('reads how often a staging is saved, in minutes, 0 turning saving off', () => {
    expect(settingsFromEnv({}).collector.analyticsSaveInterval).toBe(600_000);
    expect(settingsFromEnv({ JOURNEY_ANALYTICS_SAVE_INTERVAL: '30' }).collector.analyticsSaveInterval).toBe(1_800_000);
    expect(settingsFromEnv({ JOURNEY_ANALYTICS_SAVE_INTERVAL: '0' }).collector.analyticsSaveInterval).toBe(0);
  });

  it('stages every site as a server starts unless JOURNEY_ANALYTICS_WARM_UP is 0', () => {
    expect(settingsFromEnv({}).collector.analyticsWarmUp).toBe(true);
    expect(settingsFromEnv({ JOURNEY_ANALYTICS_WARM_UP: ' ' }).collector.analyticsWarmUp).toBe(true);
    expect(settingsFromEnv({ JOURNEY_ANALYTICS_WARM_UP: '0' }).collector.analyticsWarmUp).toBe(false);
    expect(() => settingsFromEnv({ JOURNEY_ANALYTICS_WARM_UP: 'later' })).toThrow(/JOURNEY_ANALYTICS_WARM_UP must be 1 or 0, not "later"/);
  });

  it('reads the stage model: default, the B2B preset, or JSON', () => {
    const ids = (value?: string) => settingsFromEnv({ JOURNEY_STAGE_MODEL: value }).collector.stageModel!.stages.map((stage) => stage.id);
    expect(ids()).toEqual(['awareness', 'consideration', 'purchase', 'loyalty']);
    expect(ids('b2b')).toEqual(['lead', 'mql', 'sql', 'opportunity', 'customer']);
    const own = { stages: [{ id: 'visitor', labels: { en: 'Visitor' }, enteredBy: [{ kind: 'firstTouch' }] }, { id: 'buyer', labels: { en: 'Buyer' }, enteredBy: [{ kind: 'event', name: 'Order Completed' }] }] };
    expect(ids(JSON.stringify(own))).toEqual(['visitor', 'buyer']);
  });

  it.each([
    [{ JOURNEY_STAGE_MODEL: 'funnel' }, /JOURNEY_STAGE_MODEL must be "default", "b2b" or a stage model as JSON/],
    [{ JOURNEY_STAGE_MODEL: '{"stages":[]}' }, /not a valid stage model: stages: a model needs at least one stage/],
    [{ PORT: '80a' }, /PORT must be a whole number/],
    [{ PORT: '70000' }, /PORT must be at most 65535/],
    [{ JOURNEY_WRITE_KEYS: ':site' }, /is not "key" or "key:site"/],
    [{ JOURNEY_ALLOWED_ORIGINS: 'acme.com' }, /"acme.com" is not an origin/],
    [{ JOURNEY_ALLOWED_ORIGINS: 'https://acme.com/path' }, /is not an origin/],
    [{ JOURNEY_WRITE_KEYS: 'wk_a', JOURNEY_ALLOWED_ORIGINS: 'wk_x=https://acme.com' }, /names write key "wk_x"/],
    [{ JOURNEY_STORE_RAW_IP: 'maybe' }, /must be 1 or 0/],
  ])('refuses %j', (env, message) => {
    expect(() => settingsFromEnv(env)).toThrow(message);
  });
});
