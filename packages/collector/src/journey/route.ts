import { Hono } from 'hono';
import type { CollectorConfig } from '../config.ts';
import type { IdentityOptions, Storage, TimelineCursor, TimelinePage } from '../storage/port.ts';
import type { PersonSummary } from '../identity/records.ts';
import { requireSecretKey } from '../auth/secret-key.ts';
import { notFound, refAndSite } from '../http/params.ts';
import { journeyOf } from './journey.ts';
import { offlineTouchpoint } from './offline.ts';
import type { JourneyEvent } from './touchpoints.ts';

/** The most events one journey reads; past it, the journey says it is truncated. */
export const journeyEventLimit = 20_000;

/** Every event of a timeline, page by page, up to the limit. Null when nobody is known by the ref. */
async function allEvents(page: (after: TimelineCursor | undefined) => Promise<TimelinePage | null>): Promise<{ events: JourneyEvent[]; truncated: boolean } | null> {
  const events: JourneyEvent[] = [];
  let after: TimelineCursor | undefined;
  for (;;) {
    const next = await page(after);
    if (!next) return null;
    for (const event of next.events) events.push(JSON.parse(event.payload) as JourneyEvent);
    if (!next.next) return { events, truncated: false };
    if (events.length >= journeyEventLimit) return { events, truncated: true };
    after = next.next;
  }
}

/**
 * Stage-annotated journeys: a person's, and an account's across its people, with each
 * touchpoint's channel and the stage after it, the stage history and the stats a journey map
 * shows (touches, channels, days from first touch to purchase). Null when nobody is known by ref.
 * The JSON API and the dashboard both answer with these.
 */
export function journeyReports(config: CollectorConfig, storage: Storage) {
  const options: IdentityOptions = { autoAccounts: config.autoAccounts };
  const model = config.stageModel;
  return {
    async person(site: string, ref: string) {
      const person = await storage.findPerson(site, ref, options);
      const read = person && (await allEvents((after) => storage.personEvents(site, person.id, { limit: 1000, ...(after && { after }) })));
      if (!person || !read) return null;
      const identifiers = (kind: string) => person.identifiers.filter((id) => id.kind === kind).map((id) => id.value);
      const imported = await storage.importedTouchpoints(site, { emails: identifiers('email'), userIds: identifiers('userId') });
      const offline = imported.map((row) => offlineTouchpoint(row, { personId: person.id }));
      const journey = journeyOf(read.events, person.traits, model, { personOf: () => person.id }, offline);
      return { record: person, journey: { person: person.id, model: model.stages.map((stage) => stage.id), ...journey, truncated: read.truncated } };
    },

    async account(site: string, ref: string) {
      const account = await storage.findAccount(site, ref, options);
      const people = account && (await storage.accountPeople(site, account.id, options));
      const read = account && (await allEvents((after) => storage.accountEvents(site, account.id, { limit: 1000, ...(after && { after }) }, options)));
      if (!account || !people || !read) return null;
      const { personOf, personByIdentifier } = await peopleOfEvents(storage, site, people);
      // Those naming the account, and those naming its people.
      const identifiers = (kind: string) => people.flatMap((person) => person.identifiers.filter((id) => id.kind === kind).map((id) => id.value));
      const byId = new Map(
        [
          ...(await storage.importedTouchpoints(site, { accountIds: [account.id, ...account.merged], domains: account.domain ? [account.domain] : [] })),
          ...(await storage.importedTouchpoints(site, { emails: identifiers('email'), userIds: identifiers('userId') })),
        ].map((row) => [row.id, row]),
      );
      const imported = [...byId.values()];
      const offline = imported.map((row) => {
        const personId = (row.email && personByIdentifier.get(`email:${row.email}`)) || (row.userId && personByIdentifier.get(`userId:${row.userId}`)) || undefined;
        return offlineTouchpoint(row, { accountId: account.id, ...(personId && { personId }) });
      });
      const { sessions, ...journey } = journeyOf(read.events, account.traits, model, { personOf, accountOf: () => account.id }, offline);
      const touched = new Set(journey.touchpoints.map((touchpoint) => touchpoint.personId).filter(Boolean));
      return {
        record: account,
        people,
        journey: {
          account: account.id,
          model: model.stages.map((stage) => stage.id),
          ...journey,
          sessions,
          stats: { ...journey.stats, people: people.length, peopleTouched: touched.size },
          truncated: read.truncated,
        },
      };
    },
  };
}

/** GET /v1/persons/:ref/journey and GET /v1/accounts/:ref/journey (secret key). */
export function journeyRoutes(config: CollectorConfig, storage: Storage): Hono {
  const app = new Hono();
  const { siteOf, refOf } = refAndSite(config.writeKeys[0]!.site);
  const reports = journeyReports(config, storage);
  app.use('/persons/:ref/journey', requireSecretKey(config));
  app.use('/accounts/:ref/journey', requireSecretKey(config));

  app.get('/persons/:ref/journey', async (c) => {
    const found = await reports.person(siteOf(c), refOf(c));
    if (!found) throw notFound('person', refOf(c));
    const { sessions: _sessions, ...journey } = found.journey;
    return c.json(journey);
  });

  app.get('/accounts/:ref/journey', async (c) => {
    const found = await reports.account(siteOf(c), refOf(c));
    if (!found) throw notFound('account', refOf(c));
    const { sessions: _sessions, ...journey } = found.journey;
    return c.json(journey);
  });

  return app;
}

/**
 * Whose an account event is: by its user id, else by the stretch of its device that one of the
 * account's people owns at the event's time (a shared computer's history is cut between its users).
 */
async function peopleOfEvents(storage: Storage, site: string, people: PersonSummary[]): Promise<{ personOf: (event: JourneyEvent) => string | undefined; personByIdentifier: Map<string, string> }> {
  const byUserId = new Map<string, string>();
  const personByIdentifier = new Map<string, string>();
  for (const person of people) {
    for (const { kind, value } of person.identifiers) {
      personByIdentifier.set(`${kind}:${value}`, person.id);
      if (kind === 'userId') byUserId.set(value, person.id);
    }
  }
  const stretches = new Map<string, Array<{ person: string; from: number; to: number }>>();
  for (const [person, devices] of Object.entries(await storage.personDevices(site, people.map((person) => person.id)))) {
    for (const device of devices) {
      const from = device.from === null ? -Infinity : Date.parse(device.from);
      const to = device.to === null ? Infinity : Date.parse(device.to);
      stretches.set(device.anonymousId, [...(stretches.get(device.anonymousId) ?? []), { person, from, to }]);
    }
  }
  const personOf = (event: JourneyEvent) => {
    if (event.userId && byUserId.has(event.userId)) return byUserId.get(event.userId);
    const at = Date.parse(event.timestamp);
    return event.anonymousId ? stretches.get(event.anonymousId)?.find((stretch) => at >= stretch.from && at < stretch.to)?.person : undefined;
  };
  return { personOf, personByIdentifier };
}
