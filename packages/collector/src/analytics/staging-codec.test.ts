import { describe, expect, it } from 'vitest';
import { b2bStageModel } from '../journey/stages.ts';
import type { JourneyFacts } from '../storage/journey/facts.ts';
import type { Touchpoint } from '../journey/touchpoint.ts';
import { SiteJourneys } from './site-journeys.ts';
import { asRead } from './testing.ts';
import { abandonedForms } from './abandoned-forms.ts';
import { accountDirectory, personDirectory } from './directory.ts';
import { funnel } from './funnel.ts';
import { journeyMap } from './journey-map.ts';
import { paths } from './paths.ts';
import { decodeStaging, encodeStaging, stagingFormat } from './staging-codec.ts';

const day = 86_400_000;
const model = b2bStageModel;
const touch = (id: string, at: number, more: Partial<Touchpoint> = {}): Touchpoint => ({ id, kind: 'session', at, name: '/', channel: 'Direct', source: '(direct)', medium: '(none)', campaign: '(not set)', ...more });
/** A derived touchpoint with its keys in the order storage gives them (touchpoint-persons.ts). */
const derived = ({ id, kind, at, name, channel, source, medium, campaign, path, personId, accountId }: Touchpoint, stream: string) => ({
  id,
  stream,
  kind,
  at,
  name,
  channel,
  source,
  medium,
  campaign,
  ...(path !== undefined && { path }),
  ...(personId !== undefined && { personId }),
  ...(accountId !== undefined && { accountId }),
});

/** Two people of Northwind (one with a trait that moves her), a visit naming Globex, imported deals with properties, an anonymous device. */
const facts = (): JourneyFacts => ({
  domainClaims: { 'northwind.io': ['northwind'] },
  touchpoints: [
    touch('a1', 1 * day, { personId: 'ann', path: '/', source: 'google', medium: 'organic', channel: 'Organic Search' }),
    touch('a2', 2 * day, { personId: 'ann', kind: 'event', name: 'Signed Up', path: '/pricing' }),
    touch('a3', 3 * day, { personId: 'ann', accountId: 'globex', name: '/docs', path: '/docs' }),
    touch('a4', 3.5 * day, { personId: 'ann', kind: 'event', name: 'Form Abandoned', path: '/demo' }),
    touch('b1', 2 * day, { personId: 'ben', name: 'ソリューション', path: '/ソリューション' }),
    // Cy came first of all but was last seen before Ann: the lists' order (latest first) tells the two apart.
    touch('c1', 0.5 * day, { personId: 'cy' }),
    touch('c2', 1.5 * day, { personId: 'cy' }),
    touch('x1', 4 * day),
  ].map((touchpoint) => derived(touchpoint, `device-${touchpoint.personId ?? 'x'}`)),
  imported: [
    { touchpoint: { id: 'crm:1', source: 'crm', externalId: '1', type: 'closed_won', occurredAt: 5 * day, properties: { amount: 1200, owner: { name: 'Kim' } } }, accountId: 'northwind' },
    { touchpoint: { id: 'crm:2', source: 'crm', externalId: '2', type: 'webinar', occurredAt: 6 * day, url: 'https://northwind.io/webinar?utm_source=x' }, personId: 'ben' },
  ],
  accountOfPerson: { ann: 'northwind', ben: 'northwind' },
  traits: [
    { owner: 'person', id: 'ann', key: 'lifecycle_stage', value: 'sql', at: 2.5 * day, messageId: 'm-1' },
    { owner: 'account', id: 'northwind', key: 'industry', value: 'Software', at: 1 * day, messageId: 'm-2' },
  ],
});

/**
 * Ben buys, on his device, and the webinar imported as his is no longer anyone's: the scope read
 * again is his stream and himself.
 */
const change = (journeys: SiteJourneys) => {
  const read = facts();
  const touchpoints = [...read.touchpoints.filter((touchpoint) => touchpoint.stream === 'device-ben'), derived(touch('b2', 7 * day, { personId: 'ben', kind: 'event', name: 'Order Completed' }), 'device-ben')];
  return journeys.apply({ ...read, touchpoints, imported: [], traits: [], accounts: [] }, { streams: ['device-ben'], persons: ['ben'], accounts: [] });
};

const roundTrip = (journeys: SiteJourneys) => SiteJourneys.restore(model, decodeStaging(encodeStaging(journeys.held())));

describe('a staging written out and read back', () => {
  it('holds everyone as staging them did: touchpoints, stages, account traits and members', () => {
    const staged = new SiteJourneys(model, facts());
    const restored = roundTrip(staged);
    expect(asRead(restored.owners())).toEqual(asRead(staged.owners()));
    // Same JSON, key order included: answers made from either are the same bytes.
    expect(JSON.stringify(restored.owners().people)).toBe(JSON.stringify(staged.owners().people));
    expect(JSON.stringify(restored.owners().accounts)).toBe(JSON.stringify(staged.owners().accounts));
    expect(restored.staged('person', 'ann')!.history.current).toBe('sql');
    expect(restored.accounts().traitsOf('northwind')).toEqual({ industry: 'Software' });
    expect(restored.personsOfStreams(['device-ben'])).toEqual(['ben']);
    expect(restored.streamsOfPersons(['ann'])).toEqual(['device-ann']);
  });

  it('follows a change after being read back as it would have before', () => {
    const staged = new SiteJourneys(model, facts());
    const restored = roundTrip(staged);
    expect(change(restored)).toEqual(change(staged));
    expect(asRead(restored.owners())).toEqual(asRead(staged.owners()));
    expect(restored.staged('account', 'northwind')!.history.current).toBe('customer');
    expect(restored.staged('person', 'ben')!.touchpoints.map(({ id }) => id)).toEqual(['b1', 'b2']);
  });

  it('answers every query as the staging it was written from, building only the touchpoints a query reads', () => {
    const staged = new SiteJourneys(model, facts());
    const restored = roundTrip(staged);
    const range = { from: 2 * day, to: 4 * day };
    const everyone = (journeys: SiteJourneys) => [...journeys.owners().people, ...journeys.owners().accounts];
    const answers = (journeys: SiteJourneys) => ({
      funnel: funnel(everyone(journeys), model, range),
      map: journeyMap(everyone(journeys), model, range),
      forms: abandonedForms(everyone(journeys), range),
      paths: paths(everyone(journeys), { stage: 'customer' }, { from: 0, to: 10 * day }),
      people: personDirectory(journeys.owners(), { limit: 3, offset: 0 }),
      accounts: accountDirectory(journeys.owners(), { limit: 2, offset: 0 }),
    });
    // Stages and times come without building anyone's touchpoints; a built one is the one held.
    const ann = restored.staged('person', 'ann')!;
    expect(ann.stages).toEqual(staged.staged('person', 'ann')!.stages);
    expect(ann.touchpointAt!(1)).toBe(ann.touchpointAt!(1));
    expect(answers(restored)).toEqual(answers(staged));
    expect(answers(restored).people.rows.map(({ id }) => id)).toEqual(['ben', 'ann', 'cy']);
    // Ann left it, and so did Northwind through her.
    expect(answers(restored).forms).toEqual([{ path: '/demo', abandoned: 2, owners: 2 }]);
    expect(ann.touchpoints[1]).toBe(ann.touchpointAt!(1));
  });

  it('builds what it holds in steps, letting a change in between them', async () => {
    const staged = new SiteJourneys(model, facts());
    const restored = roundTrip(staged);
    let pauses = 0;
    // A step of one touchpoint: a pause after every owner; Ben's purchase comes in the first.
    await restored.buildInSteps(async () => {
      if (pauses++ === 0) change(restored);
    }, 1);
    change(staged);
    expect(pauses).toBeGreaterThanOrEqual(restored.owners().people.length);
    expect(asRead(restored.owners())).toEqual(asRead(staged.owners()));
    expect(restored.staged('person', 'ben')!.history.current).toBe(staged.staged('person', 'ben')!.history.current);
  });

  it('refuses text of another format or cut short, rather than answering from it', () => {
    const text = encodeStaging(new SiteJourneys(model, facts()).held());
    expect(() => decodeStaging(text.replace(`"format":${stagingFormat}`, '"format":0'))).toThrow(/format 0/);
    expect(() => decodeStaging(text.slice(0, -100))).toThrow();
    const encoded = JSON.parse(text);
    encoded.strings = encoded.strings.slice(0, 3);
    expect(() => decodeStaging(JSON.stringify(encoded))).toThrow(/damaged/);
    // Touchpoints are built when first asked for, so their columns are checked as they are read
    // back: a string not in the table, a channel missing from a derived touchpoint.
    const columns = JSON.parse(text);
    columns.fields.channel[0] = columns.strings.length;
    expect(() => decodeStaging(JSON.stringify(columns))).toThrow(/the channel of touchpoint 0/);
    columns.fields.channel[0] = -1;
    expect(() => decodeStaging(JSON.stringify(columns))).toThrow(/the channel of touchpoint 0/);
    // Histories are built when first read, so they are checked as they are read back: a move
    // caused by a touchpoint the owner does not have, or a history cut short.
    const history = JSON.parse(text);
    const written: number[] = history.people.histories;
    // The first person's: current stage, entries (four numbers each), transitions (four each, the cause last).
    const transitions = 2 + 4 * written[1]!;
    expect(written[transitions]).toBeGreaterThan(0);
    written[transitions + 4] = 1_000;
    expect(() => decodeStaging(JSON.stringify(history))).toThrow(/cause 1000/);
    written.pop();
    expect(() => decodeStaging(JSON.stringify(history))).toThrow(/damaged/);
  });
});
