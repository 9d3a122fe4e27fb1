import { describe, expect, it } from 'vitest';
import {
  b2bStageModel,
  defaultStageModel,
  stageHistory,
  stageModel,
  type StageHistory,
  type StageModel,
  type StagedTouchpoint,
  type StagedTraits,
} from './stages.ts';

// Times are minutes after t0, so the tables read as a story.
const t0 = Date.parse('2025-04-01T09:00:00Z');
const at = (minutes: number) => t0 + minutes * 60_000;
const session = (id: string, minutes: number, path: string): StagedTouchpoint => ({ id, kind: 'session', at: at(minutes), name: path, path });
const event = (id: string, minutes: number, name: string, path?: string): StagedTouchpoint => ({ id, kind: 'event', at: at(minutes), name, ...(path && { path }) });
const imported = (id: string, minutes: number, type: string): StagedTouchpoint => ({ id, kind: 'offline', at: at(minutes), name: type });
const traits = (values: Record<string, [value: string | boolean, minutes: number]>): StagedTraits =>
  Object.fromEntries(Object.entries(values).map(([key, [value, minutes]]) => [key, { value, updatedAt: new Date(at(minutes)).toISOString() }]));

/** "purchase entered @5 by o1": one line per stage reached, easy to read in a table. */
const lines = (history: StageHistory) =>
  history.stages.map((entry) => `${entry.stage} ${entry.status} @${(entry.at - t0) / 60_000} by ${'touchpointId' in entry ? entry.touchpointId : `trait ${entry.trait}`}`);

type Case = [what: string, touchpoints: StagedTouchpoint[], traits: StagedTraits, current: string | null, stages: string[]];

const defaultCases: Case[] = [
  ['no touchpoints: no stage', [], {}, null, []],
  ['a first visit is Awareness', [session('s1', 0, '/blog/launch')], {}, 'awareness', ['awareness entered @0 by s1']],
  ['first touch is the earliest touchpoint, not the first given', [session('s2', 9, '/blog/b'), session('s1', 3, '/blog/a')], {}, 'awareness', ['awareness entered @3 by s1']],
  ['a visit to /pricing later', [session('s1', 0, '/'), session('s2', 5, '/pricing/team')], {}, 'consideration', ['awareness entered @0 by s1', 'consideration entered @5 by s2']],
  ['the docs', [session('s1', 0, '/'), session('s2', 5, '/docs/api/events')], {}, 'consideration', ['awareness entered @0 by s1', 'consideration entered @5 by s2']],
  ['a case study', [session('s1', 0, '/'), session('s2', 5, '/case-studies/acme')], {}, 'consideration', ['awareness entered @0 by s1', 'consideration entered @5 by s2']],
  ['a page beside /pricing is not under it', [session('s1', 0, '/'), session('s2', 5, '/pricing-old')], {}, 'awareness', ['awareness entered @0 by s1']],
  ['a key event on a pricing page', [session('s1', 0, '/'), event('e1', 5, 'CTA Clicked', '/pricing')], {}, 'consideration', ['awareness entered @0 by s1', 'consideration entered @5 by e1']],
  ['Signed Up, in any case', [session('s1', 0, '/'), event('e1', 5, 'signed up')], {}, 'consideration', ['awareness entered @0 by s1', 'consideration entered @5 by e1']],
  ['Demo Requested', [session('s1', 0, '/'), event('e1', 5, 'Demo Requested')], {}, 'consideration', ['awareness entered @0 by s1', 'consideration entered @5 by e1']],
  ['Webinar Registered', [session('s1', 0, '/'), event('e1', 5, 'Webinar Registered')], {}, 'consideration', ['awareness entered @0 by s1', 'consideration entered @5 by e1']],
  ['an imported webinar', [session('s1', 0, '/'), imported('w1', 5, 'Webinar')], {}, 'consideration', ['awareness entered @0 by s1', 'consideration entered @5 by w1']],
  ['an imported demo', [session('s1', 0, '/'), imported('d1', 5, 'demo')], {}, 'consideration', ['awareness entered @0 by s1', 'consideration entered @5 by d1']],
  ['an event named like an imported type is not one', [session('s1', 0, '/'), event('e1', 5, 'webinar')], {}, 'awareness', ['awareness entered @0 by s1']],
  ['an imported touchpoint named like an event is not one', [session('s1', 0, '/'), imported('i1', 5, 'Signed Up')], {}, 'awareness', ['awareness entered @0 by s1']],
  ['an event that is not a key event', [session('s1', 0, '/'), event('e1', 5, 'Product Viewed')], {}, 'awareness', ['awareness entered @0 by s1']],
  [
    'Order Completed',
    [session('s1', 0, '/'), event('e1', 5, 'Signed Up'), event('o1', 9, 'Order Completed')],
    {},
    'purchase',
    ['awareness entered @0 by s1', 'consideration entered @5 by e1', 'purchase entered @9 by o1'],
  ],
  ['Subscription Started', [session('s1', 0, '/'), event('e1', 5, 'Subscription Started')], {}, 'purchase', ['awareness entered @0 by s1', 'consideration skipped @5 by e1', 'purchase entered @5 by e1']],
  ['an imported closed_won', [session('s1', 0, '/'), imported('c1', 5, 'closed_won')], {}, 'purchase', ['awareness entered @0 by s1', 'consideration skipped @5 by c1', 'purchase entered @5 by c1']],
  [
    'a second Order Completed is Loyalty',
    [session('s1', 0, '/'), event('o1', 5, 'Order Completed'), event('o2', 30, 'Order Completed')],
    {},
    'loyalty',
    ['awareness entered @0 by s1', 'consideration skipped @5 by o1', 'purchase entered @5 by o1', 'loyalty entered @30 by o2'],
  ],
  [
    'one order and other events are not Loyalty',
    [session('s1', 0, '/'), event('o1', 5, 'Order Completed'), event('x1', 30, 'Order Refunded'), event('x2', 40, 'Checkout Started')],
    {},
    'purchase',
    ['awareness entered @0 by s1', 'consideration skipped @5 by o1', 'purchase entered @5 by o1'],
  ],
  [
    'Subscription Renewed',
    [session('s1', 0, '/'), event('o1', 5, 'Subscription Started'), event('r1', 30, 'Subscription Renewed')],
    {},
    'loyalty',
    ['awareness entered @0 by s1', 'consideration skipped @5 by o1', 'purchase entered @5 by o1', 'loyalty entered @30 by r1'],
  ],
  [
    'Referral Sent straight after a first visit skips two stages',
    [session('s1', 0, '/'), event('r1', 5, 'Referral Sent')],
    {},
    'loyalty',
    ['awareness entered @0 by s1', 'consideration skipped @5 by r1', 'purchase skipped @5 by r1', 'loyalty entered @5 by r1'],
  ],
  [
    'forward only: pricing after a purchase changes nothing',
    [session('s1', 0, '/'), event('o1', 5, 'Order Completed'), session('s2', 30, '/pricing')],
    {},
    'purchase',
    ['awareness entered @0 by s1', 'consideration skipped @5 by o1', 'purchase entered @5 by o1'],
  ],
  [
    'a tie: a first visit to /pricing enters both stages at once',
    [session('s1', 0, '/pricing')],
    {},
    'consideration',
    ['awareness entered @0 by s1', 'consideration entered @0 by s1'],
  ],
  [
    'a tie: Signed Up and Order Completed in the same millisecond enter both, whatever their ids',
    [session('s1', 0, '/'), event('a', 5, 'Order Completed'), event('b', 5, 'Signed Up')],
    {},
    'purchase',
    ['awareness entered @0 by s1', 'consideration entered @5 by b', 'purchase entered @5 by a'],
  ],
  [
    'a tie: two orders in the same millisecond are the first and the second, by id',
    [session('s1', 0, '/'), event('o2', 5, 'Order Completed'), event('o1', 5, 'Order Completed')],
    {},
    'loyalty',
    ['awareness entered @0 by s1', 'consideration skipped @5 by o1', 'purchase entered @5 by o1', 'loyalty entered @5 by o2'],
  ],
  [
    'an account: one touchpoint recorded for two of its people counts once',
    [session('s1', 0, '/'), event('o1', 5, 'Order Completed'), event('o1', 5, 'Order Completed')],
    {},
    'purchase',
    ['awareness entered @0 by s1', 'consideration skipped @5 by o1', 'purchase entered @5 by o1'],
  ],
  [
    "an account: its people's touchpoints merged",
    [session('ann-1', 0, '/blog'), session('bob-1', 10, '/docs'), event('ann-2', 20, 'Order Completed'), event('bob-2', 40, 'Order Completed')],
    {},
    'loyalty',
    ['awareness entered @0 by ann-1', 'consideration entered @10 by bob-1', 'purchase entered @20 by ann-2', 'loyalty entered @40 by bob-2'],
  ],
];

const b2bCases: Case[] = [
  ['anonymous visits are in no stage', [session('s1', 0, '/pricing'), session('s2', 5, '/docs')], {}, null, []],
  ['Signed Up is a Lead', [session('s1', 0, '/'), event('e1', 5, 'Signed Up')], {}, 'lead', ['lead entered @5 by e1']],
  ['a form is a Lead', [event('f1', 5, 'Form Submitted')], {}, 'lead', ['lead entered @5 by f1']],
  ['an imported lead', [imported('l1', 5, 'lead')], {}, 'lead', ['lead entered @5 by l1']],
  ['Demo Requested is an MQL', [event('e1', 5, 'Signed Up'), event('d1', 9, 'Demo Requested')], {}, 'mql', ['lead entered @5 by e1', 'mql entered @9 by d1']],
  ['Webinar Registered straight away skips Lead', [event('w1', 5, 'Webinar Registered')], {}, 'mql', ['lead skipped @5 by w1', 'mql entered @5 by w1']],
  ['lifecycle_stage = MQL, in any case', [event('e1', 5, 'Signed Up')], traits({ lifecycle_stage: ['MQL', 9] }), 'mql', ['lead entered @5 by e1', 'mql entered @9 by trait lifecycle_stage']],
  ['an imported sales call is an SQL', [event('e1', 5, 'Signed Up'), imported('c1', 9, 'sales_call')], {}, 'sql', ['lead entered @5 by e1', 'mql skipped @9 by c1', 'sql entered @9 by c1']],
  ['an imported meeting', [event('e1', 5, 'Signed Up'), imported('m1', 9, 'meeting')], {}, 'sql', ['lead entered @5 by e1', 'mql skipped @9 by m1', 'sql entered @9 by m1']],
  ['lifecycle_stage = sql', [], traits({ lifecycle_stage: ['sql', 9] }), 'sql', ['lead skipped @9 by trait lifecycle_stage', 'mql skipped @9 by trait lifecycle_stage', 'sql entered @9 by trait lifecycle_stage']],
  [
    'an imported opportunity',
    [event('e1', 5, 'Signed Up'), imported('o1', 9, 'opportunity_created')],
    {},
    'opportunity',
    ['lead entered @5 by e1', 'mql skipped @9 by o1', 'sql skipped @9 by o1', 'opportunity entered @9 by o1'],
  ],
  [
    'closed won',
    [event('e1', 5, 'Signed Up'), imported('w1', 9, 'closed_won')],
    {},
    'customer',
    ['lead entered @5 by e1', 'mql skipped @9 by w1', 'sql skipped @9 by w1', 'opportunity skipped @9 by w1', 'customer entered @9 by w1'],
  ],
  [
    'the whole pipeline, in order',
    [event('e1', 1, 'Signed Up'), event('e2', 2, 'Demo Requested'), imported('c1', 3, 'sales_call'), imported('o1', 4, 'opportunity_created'), event('p1', 5, 'Order Completed')],
    {},
    'customer',
    ['lead entered @1 by e1', 'mql entered @2 by e2', 'sql entered @3 by c1', 'opportunity entered @4 by o1', 'customer entered @5 by p1'],
  ],
  [
    'a customer set by the CRM before any visit: later sign-ups change nothing',
    [event('e1', 20, 'Signed Up')],
    traits({ lifecycle_stage: ['customer', 0] }),
    'customer',
    [
      'lead skipped @0 by trait lifecycle_stage',
      'mql skipped @0 by trait lifecycle_stage',
      'sql skipped @0 by trait lifecycle_stage',
      'opportunity skipped @0 by trait lifecycle_stage',
      'customer entered @0 by trait lifecycle_stage',
    ],
  ],
  ['a trait with another value', [], traits({ lifecycle_stage: ['subscriber', 0] }), null, []],
  ['another trait with a stage value', [], traits({ persona: ['customer', 0] }), null, []],
  ['a tie: a touchpoint is the cause before a trait', [event('e1', 5, 'Demo Requested')], traits({ lifecycle_stage: ['mql', 5] }), 'mql', ['lead skipped @5 by e1', 'mql entered @5 by e1']],
];

// The default model, with a churned customer moved back to Consideration.
const churn = (movesBack: boolean): StageModel => ({
  stages: defaultStageModel.stages.map((stage) =>
    stage.id === 'consideration' ? { ...stage, enteredBy: [...stage.enteredBy, { kind: 'trait', key: 'churned', equals: true, movesBack }] } : stage,
  ),
});

const transitionsOf = (history: StageHistory) =>
  history.transitions.map((move) => `${move.from} → ${move.to} @${(move.at - t0) / 60_000} by ${'touchpointId' in move ? move.touchpointId : `trait ${move.trait}`}`);

describe('placing someone in stages', () => {
  describe.each([
    ['the default model', defaultStageModel, defaultCases],
    ['the B2B pipeline', b2bStageModel, b2bCases],
  ] as const)('%s', (_, model, cases) => {
    it.each(cases)('%s', (_, touchpoints, traits, current, stages) => {
      const history = stageHistory(model, touchpoints, traits);
      expect(history.current).toBe(current);
      expect(lines(history)).toEqual(stages);
    });

    it.each(cases.filter(([, touchpoints]) => touchpoints.length > 1))('%s: in any input order', (_, touchpoints, traits) => {
      const expected = stageHistory(model, touchpoints, traits);
      for (let shift = 1; shift < touchpoints.length; shift++) {
        const rotated = [...touchpoints.slice(shift), ...touchpoints.slice(0, shift)];
        expect(stageHistory(model, rotated, traits)).toEqual(expected);
        expect(stageHistory(model, rotated.reverse(), traits)).toEqual(expected);
      }
    });
  });

  describe('path patterns', () => {
    const seen = (pattern: string): StageModel => ({ stages: [{ id: 'seen', labels: { en: 'Seen' }, enteredBy: [{ kind: 'path', pattern }] }] });
    it.each([
      ['/pricing', '/pricing', true],
      ['/pricing', '/pricing/', true],
      ['/pricing', '/pricing/team', true],
      ['/pricing', '/Pricing', true],
      ['/pricing', '/pricing?plan=team#faq', true],
      ['/pricing', '/pricing-old', false],
      ['/pricing', '/en/pricing', false],
      ['/pricing/', '/pricing', true],
      ['/pricing*', '/pricing-old', true],
      ['/pricing*', '/pricing/', true],
      ['/pricing*', '/pricing/team', false],
      ['/docs/**', '/docs/api/events', true],
      ['/docs/**', '/docs', false],
      ['/blog/*/comments', '/blog/launch/comments', true],
      ['/blog/*/comments', '/blog/2025/launch/comments', false],
      ['/', '/anything/at/all', true],
      ['/v1.0', '/v100', false],
    ] as const)('%s on %s: %s', (pattern, path, matches) => {
      expect(stageHistory(seen(pattern), [session('s1', 0, path)]).current).toBe(matches ? 'seen' : null);
    });

    it('reads an event’s page, and never an imported touchpoint without one', () => {
      expect(stageHistory(seen('/docs'), [event('e1', 0, 'Copied Snippet', '/docs/install')]).current).toBe('seen');
      expect(stageHistory(seen('/'), [imported('i1', 0, 'webinar')]).current).toBe(null);
    });
  });

  describe('transitions', () => {
    it('lists each stage entered, from the stage before', () => {
      const history = stageHistory(defaultStageModel, [session('s1', 0, '/'), session('s2', 5, '/pricing'), event('o1', 9, 'Order Completed'), event('o2', 30, 'Order Completed')]);
      expect(transitionsOf(history)).toEqual([
        'null → awareness @0 by s1',
        'awareness → consideration @5 by s2',
        'consideration → purchase @9 by o1',
        'purchase → loyalty @30 by o2',
      ]);
    });

    it('jumps over skipped stages in one move', () => {
      const history = stageHistory(defaultStageModel, [session('s1', 0, '/'), imported('c1', 5, 'closed_won')]);
      expect(transitionsOf(history)).toEqual(['null → awareness @0 by s1', 'awareness → purchase @5 by c1']);
    });

    it('moves through every stage matched at one moment', () => {
      const history = stageHistory(defaultStageModel, [session('s1', 0, '/pricing')]);
      expect(transitionsOf(history)).toEqual(['null → awareness @0 by s1', 'awareness → consideration @0 by s1']);
    });
  });

  describe('moving back', () => {
    const customer = [session('s1', 0, '/'), event('o1', 5, 'Order Completed')];

    it('stays forward only when the rule does not move back', () => {
      const history = stageHistory(churn(false), customer, traits({ churned: [true, 20] }));
      expect(history.current).toBe('purchase');
      expect(transitionsOf(history)).toEqual(['null → awareness @0 by s1', 'awareness → purchase @5 by o1']);
    });

    it('moves a churned customer back, keeping when each stage was first reached', () => {
      const history = stageHistory(churn(true), customer, traits({ churned: [true, 20] }));
      expect(history.current).toBe('consideration');
      expect(transitionsOf(history)).toEqual(['null → awareness @0 by s1', 'awareness → purchase @5 by o1', 'purchase → consideration @20 by trait churned']);
      expect(lines(history)).toEqual(['awareness entered @0 by s1', 'consideration skipped @5 by o1', 'purchase entered @5 by o1']);
    });

    it('lets them move forward again: an order after churning is their second, so Loyalty', () => {
      const history = stageHistory(churn(true), [...customer, event('o2', 30, 'Order Completed')], traits({ churned: [true, 20] }));
      expect(history.current).toBe('loyalty');
      expect(transitionsOf(history).slice(2)).toEqual([
        'purchase → consideration @20 by trait churned',
        'consideration → purchase @30 by o2',
        'purchase → loyalty @30 by o2',
      ]);
      expect(lines(history)).toEqual(['awareness entered @0 by s1', 'consideration skipped @5 by o1', 'purchase entered @5 by o1', 'loyalty entered @30 by o2']);
    });

    it('does not move back from a stage earlier than the rule’s', () => {
      const history = stageHistory(churn(true), [session('s1', 0, '/')], traits({ churned: [true, 20] }));
      expect(history.current).toBe('consideration');
      expect(transitionsOf(history)).toEqual(['null → awareness @0 by s1', 'awareness → consideration @20 by trait churned']);
    });

    it('moves forward when a forward move and a move back happen at one moment', () => {
      const history = stageHistory(churn(true), [...customer, event('o2', 20, 'Order Completed')], traits({ churned: [true, 20] }));
      expect(history.current).toBe('loyalty');
    });

    it('counts first touch once: after moving back, a later touchpoint is not a first touch', () => {
      const recycled: StageModel = {
        stages: [
          { id: 'prospect', labels: { en: 'Prospect' }, enteredBy: [{ kind: 'trait', key: 'lifecycle_stage', equals: 'prospect', movesBack: true }] },
          { id: 'engaged', labels: { en: 'Engaged' }, enteredBy: [{ kind: 'firstTouch' }] },
        ],
      };
      const history = stageHistory(recycled, [session('s1', 0, '/'), session('s2', 20, '/')], traits({ lifecycle_stage: ['prospect', 10] }));
      expect(history.current).toBe('prospect');
    });

    it('ignores a trait whose time cannot be read', () => {
      const history = stageHistory(churn(true), customer, { churned: { value: true, updatedAt: 'yesterday' } });
      expect(history.current).toBe('purchase');
    });
  });
});

describe('the stage model', () => {
  it.each([
    ['default', defaultStageModel],
    ['B2B pipeline', b2bStageModel],
  ])('the %s model is valid, as JSON too', (_, model) => {
    expect(stageModel.parse(JSON.parse(JSON.stringify(model)))).toEqual(model);
  });

  it('keeps the default model’s ids and labels', () => {
    expect(defaultStageModel.stages.map((stage) => `${stage.id} ${stage.labels.en} ${stage.labels.ja}`)).toEqual([
      'awareness Awareness 認知',
      'consideration Consideration 検討',
      'purchase Purchase 購入',
      'loyalty Loyalty リピート',
    ]);
  });

  const valid = { id: 'seen', labels: { en: 'Seen' }, enteredBy: [{ kind: 'firstTouch' }] };
  const withRule = (rule: unknown) => ({ stages: [{ ...valid, enteredBy: [rule] }] });

  it.each([
    ['not an object', 'awareness', '', 'Invalid input: expected object, received string'],
    ['no stages', { stages: [] }, 'stages', 'a model needs at least one stage'],
    ['a top-level typo', { stages: [valid], stage: [] }, '', 'Unrecognized key: "stage"'],
    ['a stage id used twice', { stages: [valid, { ...valid, labels: { en: 'Again' } }] }, 'stages.1.id', 'stage id "seen" is used twice'],
    ['a stage id with spaces', { stages: [{ ...valid, id: 'Paid Customer' }] }, 'stages.0.id', 'a stage id is lower-case letters, digits, "_" or "-" (at most 40), starting with a letter'],
    ['no labels', { stages: [{ ...valid, labels: {} }] }, 'stages.0.labels', 'a stage needs at least one label'],
    ['no rules', { stages: [{ ...valid, enteredBy: [] }] }, 'stages.0.enteredBy', 'a stage needs at least one rule'],
    ['an unknown rule kind', withRule({ kind: 'url', pattern: '/pricing' }), 'stages.0.enteredBy.0.kind', 'kind must be one of: firstTouch, event, path, imported, trait'],
    ['a misspelt field', withRule({ kind: 'event', nmae: 'Signed Up', name: 'Signed Up' }), 'stages.0.enteredBy.0', 'Unrecognized key: "nmae"'],
    ['a blank event name', withRule({ kind: 'event', name: '  ' }), 'stages.0.enteredBy.0.name', 'Too small: expected string to have >=1 characters'],
    ['a zeroth occurrence', withRule({ kind: 'event', name: 'Order Completed', occurrence: 0 }), 'stages.0.enteredBy.0.occurrence', 'Too small: expected number to be >=1'],
    ['a path pattern that is no path', withRule({ kind: 'path', pattern: 'pricing*' }), 'stages.0.enteredBy.0.pattern', 'a path pattern starts with "/"'],
    ['an imported rule without a type', withRule({ kind: 'imported' }), 'stages.0.enteredBy.0.type', 'Invalid input: expected string, received undefined'],
    ['a trait compared with an object', withRule({ kind: 'trait', key: 'plan', equals: { tier: 1 } }), 'stages.0.enteredBy.0.equals', 'Invalid input'],
    ['first touch cannot move back', withRule({ kind: 'firstTouch', movesBack: true }), 'stages.0.enteredBy.0', 'Unrecognized key: "movesBack"'],
  ])('rejects %s', (_, input, path, message) => {
    const result = stageModel.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toContainEqual([path, message]);
  });
});
