import type { RateLimit } from './rate-limit/token-bucket.ts';
import { defaultStageModel, type StageModel } from './journey/stages.ts';

/** A write key: public (it sits in the page's script tag), it can only send events for its site. */
export interface WriteKey {
  key: string;
  /** Sites keep their events apart: a messageId is unique per site. */
  site: string;
  /** Browser origins allowed to send with this key; '*' allows any. */
  allowedOrigins: '*' | readonly string[];
}

export interface CollectorConfig {
  writeKeys: readonly WriteKey[];
  /** Private: reads events and administers the collector. */
  secretKey: string;
  /** Keep the full client IP instead of removing its host part. */
  storeRawIp: boolean;
  rateLimit: { perWriteKey: RateLimit; perIp: RateLimit };
  /** Where the SDK's script-tag build is served, so a site can proxy it first-party. */
  scriptPath: string;
  /** A work-email domain no account claims becomes an account of its own. */
  autoAccounts: boolean;
  /** The stages people and accounts move through (default: Awareness → Consideration → Purchase → Loyalty). */
  stageModel: StageModel;
  /** Imported touchpoints of one person and type this close in time (ms) are one, from whichever source. */
  importWindow: number;
  /**
   * How old (ms) the data behind an aggregate query's answer may be while a newer staging runs in
   * the background; 0: every answer waits for the newest data.
   */
  analyticsMaxAge: number;
  /**
   * Stage every site's people and accounts as the collector starts, so the first aggregate query
   * finds them staged; with `analyticsFollowInterval`, kept so from then on (seconds on a million
   * events never staged, and their memory, whether queried or not). A server's default.
   */
  analyticsWarmUp: boolean;
  /**
   * Once a site is staged, how often (ms) to follow its changes in the background, so answers
   * never wait for them; 0: only when asked (a Worker, which has no background).
   */
  analyticsFollowInterval: number;
  /**
   * How often (ms), at most, a site's staging is saved in the database (and after each whole
   * staging), so a collector starting on it holds the staging again rather than staging everyone;
   * 0: never saved nor read (a Worker, whose memory would not hold a large site's).
   */
  analyticsSaveInterval: number;
  /** How often (ms) to send due webhook deliveries in the background; 0: never (a Worker). */
  webhookInterval: number;
}

export type CollectorSettings = Pick<CollectorConfig, 'writeKeys' | 'secretKey'> & Partial<CollectorConfig>;

export const defaultRateLimit = {
  // A browser sends a few batches a minute; a server library a few hundred per second at most.
  perWriteKey: { perSecond: 5000, burst: 10_000 },
  perIp: { perSecond: 200, burst: 1000 },
} as const;

export function collectorConfig(settings: CollectorSettings): CollectorConfig {
  if (settings.writeKeys.length === 0) throw new Error('at least one write key is required');
  if (settings.secretKey.length < 16) throw new Error('the secret key must be at least 16 characters');
  for (const { key } of settings.writeKeys) {
    if (key === settings.secretKey) throw new Error('a write key must differ from the secret key');
  }
  return {
    storeRawIp: false,
    rateLimit: defaultRateLimit,
    scriptPath: '/journey.js',
    autoAccounts: false,
    stageModel: defaultStageModel,
    importWindow: 60 * 60 * 1000,
    analyticsMaxAge: 60 * 1000,
    analyticsWarmUp: false,
    analyticsFollowInterval: 0,
    analyticsSaveInterval: 10 * 60 * 1000,
    webhookInterval: 0,
    ...settings,
  };
}
