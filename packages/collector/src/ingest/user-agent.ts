import Bowser from 'bowser';
import { isbot } from 'isbot';

/** What the collector learns from a user agent: stored with the event as `client`. */
export interface ClientInfo {
  browser?: { name: string; version?: string };
  os?: { name: string; version?: string };
  /** desktop, mobile, tablet, tv or bot, as far as the user agent tells. */
  device?: string;
  bot: boolean;
  /** Where the request came from, as the platform tells (Workers); not derived from the user agent. */
  country?: string;
}

// Bowser (MIT) rather than ua-parser-js, whose 2.x is AGPL; isbot keeps a maintained crawler list.
// Parsing is slow next to the rest of ingestion and a site sees few distinct user agents, so
// results are kept in a small cache (a Map in insertion order, oldest dropped first).
const cache = new Map<string, ClientInfo>();
const cacheSize = 2000;

export function parseUserAgent(userAgent: string): ClientInfo {
  const cached = cache.get(userAgent);
  if (cached) return cached;
  const info = parse(userAgent);
  if (cache.size >= cacheSize) cache.delete(cache.keys().next().value!);
  cache.set(userAgent, info);
  return info;
}

function parse(userAgent: string): ClientInfo {
  const bot = isbot(userAgent);
  const parsed = Bowser.parse(userAgent);
  const info: ClientInfo = { bot };
  if (parsed.browser.name) info.browser = compact(parsed.browser.name, parsed.browser.version);
  if (parsed.os.name) info.os = compact(parsed.os.name, parsed.os.version);
  const device = bot ? 'bot' : parsed.platform.type;
  if (device) info.device = device;
  return info;
}

const compact = (name: string, version: string | undefined) => (version ? { name, version } : { name });
