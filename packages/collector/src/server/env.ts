import type { CollectorSettings, WriteKey } from '../config.ts';
import { defaultRateLimit } from '../config.ts';
import type { RateLimit } from '../rate-limit/token-bucket.ts';
import { b2bStageModel, defaultStageModel, stageModel, type StageModel } from '../journey/stages.ts';

/** The collector's settings as environment variables (the README's configuration table). */
export interface ServerEnv {
  PORT?: string;
  JOURNEY_DB?: string;
  JOURNEY_WRITE_KEYS?: string;
  JOURNEY_SECRET_KEY?: string;
  JOURNEY_ALLOWED_ORIGINS?: string;
  JOURNEY_STORE_RAW_IP?: string;
  JOURNEY_RATE_LIMIT_WRITE_KEY?: string;
  JOURNEY_RATE_LIMIT_IP?: string;
  JOURNEY_SCRIPT_PATH?: string;
  JOURNEY_AUTO_ACCOUNTS?: string;
  JOURNEY_STAGE_MODEL?: string;
  JOURNEY_IMPORT_WINDOW?: string;
  JOURNEY_ANALYTICS_MAX_AGE?: string;
  JOURNEY_ANALYTICS_WARM_UP?: string;
  JOURNEY_ANALYTICS_SAVE_INTERVAL?: string;
  JOURNEY_SEED_DEMO?: string;
}

export interface ServerSettings {
  port: number;
  database: string;
  /** Write keys and secret key as given; whichever is missing is generated (keys.ts). */
  writeKeys: WriteKey[] | undefined;
  secretKey: string | undefined;
  /** Fill an empty database with the generator's demo journeys at start (a newcomer sees a map). */
  seedDemo: boolean;
  collector: Omit<CollectorSettings, 'writeKeys' | 'secretKey'>;
}

export function settingsFromEnv(env: ServerEnv): ServerSettings {
  const port = integer('PORT', env.PORT, 8787);
  if (port > 65_535) throw new Error(`PORT must be at most 65535, not ${port}`);
  const origins = allowedOrigins(env.JOURNEY_ALLOWED_ORIGINS);
  const writeKeys = env.JOURNEY_WRITE_KEYS?.trim()
    ? list(env.JOURNEY_WRITE_KEYS).map((entry): WriteKey => {
        const [key, site = 'default'] = entry.split(':').map((part) => part.trim());
        if (!key || !site) throw new Error(`JOURNEY_WRITE_KEYS: "${entry}" is not "key" or "key:site"`);
        return { key, site, allowedOrigins: origins.forKey(key) };
      })
    : undefined;
  for (const key of origins.keys) {
    if (writeKeys && !writeKeys.some((entry) => entry.key === key)) {
      throw new Error(`JOURNEY_ALLOWED_ORIGINS names write key "${key}", which JOURNEY_WRITE_KEYS does not list`);
    }
  }
  return {
    port,
    // A file path for SQLite, or postgres://user:password@host/database for PostgreSQL.
    database: env.JOURNEY_DB?.trim() || './data/journey.db',
    writeKeys,
    secretKey: env.JOURNEY_SECRET_KEY?.trim() || undefined,
    seedDemo: env.JOURNEY_SEED_DEMO?.trim() ? flag('JOURNEY_SEED_DEMO', env.JOURNEY_SEED_DEMO) : true,
    collector: {
      storeRawIp: flag('JOURNEY_STORE_RAW_IP', env.JOURNEY_STORE_RAW_IP),
      rateLimit: {
        perWriteKey: rate('JOURNEY_RATE_LIMIT_WRITE_KEY', env.JOURNEY_RATE_LIMIT_WRITE_KEY, defaultRateLimit.perWriteKey),
        perIp: rate('JOURNEY_RATE_LIMIT_IP', env.JOURNEY_RATE_LIMIT_IP, defaultRateLimit.perIp),
      },
      scriptPath: env.JOURNEY_SCRIPT_PATH?.trim() || '/journey.js',
      autoAccounts: flag('JOURNEY_AUTO_ACCOUNTS', env.JOURNEY_AUTO_ACCOUNTS),
      stageModel: stageModelFrom(env.JOURNEY_STAGE_MODEL),
      // Minutes within which two sources' records of one person's touchpoint of one type are one.
      importWindow: integer('JOURNEY_IMPORT_WINDOW', env.JOURNEY_IMPORT_WINDOW, 60) * 60_000,
      // Seconds an aggregate query may answer from older data while newer data is staged.
      analyticsMaxAge: integer('JOURNEY_ANALYTICS_MAX_AGE', env.JOURNEY_ANALYTICS_MAX_AGE, 60) * 1000,
      // A server stages each site as it starts and follows it from then on, queried or not: the
      // first query never waits for everyone to be staged (on a new database nobody is yet).
      analyticsWarmUp: env.JOURNEY_ANALYTICS_WARM_UP?.trim() ? flag('JOURNEY_ANALYTICS_WARM_UP', env.JOURNEY_ANALYTICS_WARM_UP) : true,
      // Minutes between saves of a site's staging (read back at the next start); 0: never saved.
      analyticsSaveInterval: integer('JOURNEY_ANALYTICS_SAVE_INTERVAL', env.JOURNEY_ANALYTICS_SAVE_INTERVAL, 10) * 60_000,
      // A server runs on: once staged, a site's journeys follow its changes every second.
      analyticsFollowInterval: 1000,
      webhookInterval: 1000,
    },
  };
}

/**
 * JOURNEY_ALLOWED_ORIGINS: comma-separated origins every write key may send from, and
 * `<writeKey>=<origin>` entries that give one key its own list instead. Empty or `*`: any origin.
 */
export function allowedOrigins(value: string | undefined) {
  const shared: string[] = [];
  const perKey = new Map<string, string[]>();
  for (const entry of list(value ?? '')) {
    const equals = entry.indexOf('=');
    const key = equals === -1 ? undefined : entry.slice(0, equals).trim();
    const origin = (equals === -1 ? entry : entry.slice(equals + 1)).trim();
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new Error(`JOURNEY_ALLOWED_ORIGINS: "${origin}" is not an origin such as https://example.com`);
    }
    if (key === undefined) shared.push(origin);
    else perKey.set(key, [...(perKey.get(key) ?? []), origin]);
  }
  const toAllowed = (origins: string[]): WriteKey['allowedOrigins'] =>
    origins.length === 0 || origins.includes('*') ? '*' : origins;
  return { keys: [...perKey.keys()], forKey: (key: string) => toAllowed(perKey.get(key) ?? shared) };
}

/** `default`, `b2b`, or a stage model as JSON (see packages/collector/src/journey/stages.ts). */
function stageModelFrom(value: string | undefined): StageModel {
  const text = value?.trim() ?? '';
  if (text === '' || text === 'default') return defaultStageModel;
  if (text === 'b2b') return b2bStageModel;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('JOURNEY_STAGE_MODEL must be "default", "b2b" or a stage model as JSON');
  }
  const parsed = stageModel.safeParse(json);
  if (!parsed.success) {
    throw new Error(`JOURNEY_STAGE_MODEL is not a valid stage model: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(model)'}: ${issue.message}`).join('; ')}`);
  }
  return parsed.data;
}

const list = (value: string) =>
  value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  if (!/^\d+$/.test(value.trim())) throw new Error(`${name} must be a whole number, not "${value}"`);
  return Number(value);
}

function flag(name: string, value: string | undefined): boolean {
  const text = value?.trim().toLowerCase() ?? '';
  if (['', '0', 'false', 'no', 'off'].includes(text)) return false;
  if (['1', 'true', 'yes', 'on'].includes(text)) return true;
  throw new Error(`${name} must be 1 or 0, not "${value}"`);
}

/** Requests per second; the burst allowed after a quiet spell is twice that. 0 turns the limit off. */
function rate(name: string, value: string | undefined, fallback: RateLimit): RateLimit {
  if (value === undefined || value.trim() === '') return fallback;
  const perSecond = integer(name, value, 0);
  return { perSecond, burst: perSecond * 2 };
}
