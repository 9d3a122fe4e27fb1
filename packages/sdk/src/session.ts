import { load, save } from './storage.ts';
import { uuid } from './uuid.ts';

export type Campaign = Record<string, string>;

/** A visit, shared by the tabs of one browser: who brought the visitor, and when they were last active. */
export interface Session {
  id: string;
  /** Last activity, ms. */
  at: number;
  /** UTM parameters of the session's landing URL, as context.campaign names them. */
  campaign?: Campaign;
  clickIds?: Campaign;
}

const key = 'journey.session';
const idle = 30 * 60 * 1000;
const clickIdNames = 'gclid gbraid wbraid gad_source dclid fbclid msclkid li_fat_id ttclid twclid rdt_cid sccid epik yclid'.split(' ');

export type Landing = Pick<Session, 'campaign' | 'clickIds'>;

/**
 * UTM values and click ids of a URL's query; both undefined when it carries none. utm_campaign is
 * context.campaign.name (Segment Spec); the other utm_ parameters keep their own names.
 */
export function campaignOf(search: string): Landing {
  const found: Landing = {};
  new URLSearchParams(search).forEach((value, name) => {
    if (!value) return;
    if (name.startsWith('utm_')) (found.campaign ??= {})[name == 'utm_campaign' ? 'name' : name.slice(4)] = value;
    else if (clickIdNames.includes(name)) (found.clickIds ??= {})[name] = value;
  });
  return found;
}

/**
 * The current session, renewed on activity. A new one starts after 30 minutes idle or when the
 * visitor arrives through a different campaign (GA4's rule), so each visit keeps the source that
 * brought it, however the visitor then wanders.
 */
export function touchSession(landing?: Landing, now = Date.now()): Session {
  let session = load<Session>(key);
  if (
    !session ||
    now - session.at > idle ||
    ((landing?.campaign || landing?.clickIds) && JSON.stringify([landing.campaign, landing.clickIds]) != JSON.stringify([session.campaign, session.clickIds]))
  ) {
    session = { id: uuid(), ...landing } as Session;
  }
  session.at = now;
  save(key, session);
  return session;
}

export const endSession = (): void => save(key, undefined);
