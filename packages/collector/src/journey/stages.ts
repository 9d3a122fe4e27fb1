/**
 * Stages: where a person or an account is in their journey, and when they got there. A stage model
 * is data (a user can write it as JSON): ordered stages, each entered by rules on touchpoints and
 * traits. Pure: no I/O, Web-standard APIs only.
 */
import * as z from 'zod';
import type { TraitValue } from '../identity/records.ts';
import { defaultStages, type Touchpoint } from './touchpoint.ts';

const text = z.string().trim().min(1).max(200);
/**
 * A rule marked `movesBack` may move someone back to its stage from a later one. Per rule, not per
 * model: with a model-wide switch every customer who reads the docs would fall back to Consideration.
 */
const movesBack = z.boolean().optional();

const rule = z.discriminatedUnion(
  'kind',
  [
    /** The first touchpoint of all. */
    z.strictObject({ kind: z.literal('firstTouch') }),
    /** A key event by name (case-insensitive); with `occurrence`, only from its Nth time on. */
    z.strictObject({ kind: z.literal('event'), name: text, occurrence: z.int().min(1).max(1000).optional(), movesBack }),
    /**
     * A touchpoint on a page. Without wildcards, the path and everything under it (`/docs` is
     * `/docs`, `/docs/`, `/docs/api`, never `/docsearch`); `*` is any characters but `/`, `**` any at all.
     */
    z.strictObject({ kind: z.literal('path'), pattern: z.string().max(200).regex(/^\//, 'a path pattern starts with "/"'), movesBack }),
    /** An imported touchpoint by its type (case-insensitive): webinar, sales_call, closed_won. */
    z.strictObject({ kind: z.literal('imported'), type: text, movesBack }),
    /** A trait set to a value (strings compare case-insensitively), at the time it was set. */
    z.strictObject({ kind: z.literal('trait'), key: text, equals: z.union([z.string().max(200), z.number(), z.boolean()]), movesBack }),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? 'kind must be one of: firstTouch, event, path, imported, trait' : undefined) },
);

const stage = z.strictObject({
  // Ids name stages in URLs and queries (`?conversion=purchase`), so they stay plain.
  id: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'a stage id is lower-case letters, digits, "_" or "-" (at most 40), starting with a letter'),
  /** By language tag: `{ en: 'Awareness', ja: '認知' }`. */
  labels: z
    .record(z.string().min(2).max(35), z.string().trim().min(1).max(100))
    .refine((labels) => Object.keys(labels).length > 0, 'a stage needs at least one label'),
  enteredBy: z.array(rule).min(1, 'a stage needs at least one rule').max(50),
});

/** A stage model: its stages in journey order. Parse configuration with it; errors are zod issues. */
export const stageModel = z.strictObject({ stages: z.array(stage).min(1, 'a model needs at least one stage').max(20) }).superRefine((model, ctx) => {
  const seen = new Set<unknown>();
  model.stages.forEach((stage, index) => {
    if (seen.has(stage.id)) ctx.addIssue({ code: 'custom', path: ['stages', index, 'id'], message: `stage id "${stage.id}" is used twice` });
    seen.add(stage.id);
  });
});

export type StageModel = z.infer<typeof stageModel>;
export type StageRule = StageModel['stages'][number]['enteredBy'][number];

const [awareness, consideration, purchase, loyalty] = defaultStages;

/** Awareness → Consideration → Purchase → Loyalty, on Segment Spec event names. */
export const defaultStageModel: StageModel = {
  stages: [
    { id: awareness, labels: { en: 'Awareness', ja: '認知' }, enteredBy: [{ kind: 'firstTouch' }] },
    {
      id: consideration,
      labels: { en: 'Consideration', ja: '検討' },
      enteredBy: [
        { kind: 'path', pattern: '/pricing' },
        { kind: 'path', pattern: '/docs' },
        { kind: 'path', pattern: '/case-studies' },
        { kind: 'event', name: 'Signed Up' },
        { kind: 'event', name: 'Demo Requested' },
        { kind: 'event', name: 'Webinar Registered' },
        { kind: 'imported', type: 'webinar' },
        { kind: 'imported', type: 'demo' },
      ],
    },
    {
      id: purchase,
      labels: { en: 'Purchase', ja: '購入' },
      enteredBy: [
        { kind: 'event', name: 'Order Completed' },
        { kind: 'event', name: 'Subscription Started' },
        { kind: 'imported', type: 'closed_won' },
      ],
    },
    {
      id: loyalty,
      labels: { en: 'Loyalty', ja: 'リピート' },
      enteredBy: [
        { kind: 'event', name: 'Order Completed', occurrence: 2 },
        { kind: 'event', name: 'Subscription Renewed' },
        { kind: 'event', name: 'Referral Sent' },
      ],
    },
  ],
};

/**
 * The B2B pipeline: Lead → MQL → SQL → Opportunity → Customer. Each stage is entered by what usually
 * marks it on the site or in the CRM, or by a `lifecycle_stage` trait set to its id (a CRM sync
 * writes it). Anonymous visitors are in no stage: the pipeline starts when someone identifies.
 * - Lead: signed up or submitted a form; an imported lead.
 * - MQL: asked for a demo or registered for a webinar.
 * - SQL: sales spoke with them: an imported sales call or meeting.
 * - Opportunity: a deal was opened in the CRM.
 * - Customer: bought, on the site or as a deal closed won.
 */
export const b2bStageModel: StageModel = {
  stages: [
    {
      id: 'lead',
      labels: { en: 'Lead', ja: 'リード' },
      enteredBy: [
        { kind: 'event', name: 'Signed Up' },
        { kind: 'event', name: 'Form Submitted' },
        { kind: 'imported', type: 'lead' },
        { kind: 'trait', key: 'lifecycle_stage', equals: 'lead' },
      ],
    },
    {
      id: 'mql',
      labels: { en: 'MQL', ja: 'MQL' },
      enteredBy: [
        { kind: 'event', name: 'Demo Requested' },
        { kind: 'event', name: 'Webinar Registered' },
        { kind: 'trait', key: 'lifecycle_stage', equals: 'mql' },
      ],
    },
    {
      id: 'sql',
      labels: { en: 'SQL', ja: 'SQL' },
      enteredBy: [
        { kind: 'imported', type: 'sales_call' },
        { kind: 'imported', type: 'meeting' },
        { kind: 'trait', key: 'lifecycle_stage', equals: 'sql' },
      ],
    },
    {
      id: 'opportunity',
      labels: { en: 'Opportunity', ja: '商談' },
      enteredBy: [
        { kind: 'imported', type: 'opportunity_created' },
        { kind: 'trait', key: 'lifecycle_stage', equals: 'opportunity' },
      ],
    },
    {
      id: 'customer',
      labels: { en: 'Customer', ja: '顧客' },
      enteredBy: [
        { kind: 'event', name: 'Order Completed' },
        { kind: 'imported', type: 'closed_won' },
        { kind: 'trait', key: 'lifecycle_stage', equals: 'customer' },
      ],
    },
  ],
};

/** What placing someone in stages reads of a touchpoint. */
export type StagedTouchpoint = Pick<Touchpoint, 'id' | 'kind' | 'at' | 'name' | 'path'>;

/** Traits as a person or account keeps them: each one's current value and when it was set. */
export type StagedTraits = Record<string, Pick<TraitValue, 'value' | 'updatedAt'>>;

/** What moved someone: a touchpoint, or a trait being set. */
export type StageCause = { touchpointId: string } | { trait: string };

/**
 * How a stage was first reached. `entered`: a rule of its own matched. `skipped`: someone went past
 * it to a later stage without it matching; `at` and the cause are those of the next stage entered.
 * A funnel counts both as reached, but measures time between stages only from entered ones.
 */
export type StageEntry = { stage: string; status: 'entered' | 'skipped'; at: number } & StageCause;

/** A move into a stage: forward (skipped stages get none), or back by a `movesBack` rule. */
export type StageTransition = { from: string | null; to: string; at: number } & StageCause;

export interface StageHistory {
  /** The stage someone is in now; null before any rule matched. */
  current: string | null;
  /** Each stage reached, in the model's order, as first reached. */
  stages: StageEntry[];
  /** Every move, in time order. */
  transitions: StageTransition[];
}

type Signal = { at: number; cause: StageCause } & (
  | {
      touchpoint: StagedTouchpoint;
      /** The touchpoint's name folded, as event and import rules compare it. */
      name: string;
      /** Its page, found when a path rule first asks (null: none). */
      path?: string | null;
      first: boolean;
      occurrence: number;
    }
  | { trait: string; value: unknown }
);

const fold = (value: string) => value.trim().toLowerCase();
const escape = (value: string) => value.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

function pathRegExp(pattern: string): RegExp {
  if (!pattern.includes('*')) return new RegExp(`^${escape(pattern.replace(/\/+$/, ''))}(?:/.*)?$`, 'i');
  const glob = pattern
    .split('**')
    .map((part) => part.split('*').map(escape).join('[^/]*'))
    .join('.*');
  return new RegExp(`^${glob}$`, 'i');
}

/** The page a touchpoint happened on, without query or fragment; /pricing/ is /pricing. */
function pathOf({ kind, name, path }: StagedTouchpoint): string | undefined {
  const page = path ?? (kind === 'session' ? name : undefined);
  return page?.replace(/[?#].*$/, '').replace(/(.)\/+$/, '$1');
}

function matcher(rule: StageRule): (signal: Signal) => boolean {
  switch (rule.kind) {
    case 'firstTouch':
      return (signal) => 'touchpoint' in signal && signal.first;
    case 'event': {
      const name = fold(rule.name);
      const occurrence = rule.occurrence ?? 1;
      return (signal) => 'touchpoint' in signal && signal.touchpoint.kind === 'event' && signal.name === name && signal.occurrence >= occurrence;
    }
    case 'path': {
      const pattern = pathRegExp(rule.pattern);
      return (signal) => {
        if (!('touchpoint' in signal)) return false;
        const path = (signal.path ??= pathOf(signal.touchpoint) ?? null);
        return path !== null && pattern.test(path);
      };
    }
    case 'imported': {
      const type = fold(rule.type);
      return (signal) => 'touchpoint' in signal && signal.touchpoint.kind === 'offline' && signal.name === type;
    }
    case 'trait': {
      const { key, equals } = rule;
      return (signal) =>
        'trait' in signal &&
        signal.trait === key &&
        (typeof equals === 'string' && typeof signal.value === 'string' ? fold(signal.value) === fold(equals) : signal.value === equals);
    }
  }
}

type CompiledRules = Array<Array<{ matches: (signal: Signal) => boolean; movesBack: boolean }>>;

// A funnel stages tens of thousands of people with one model: its path patterns compile once.
const compiled = new WeakMap<StageModel, CompiledRules>();
function rulesOf(model: StageModel): CompiledRules {
  let rules = compiled.get(model);
  if (!rules) {
    rules = model.stages.map((stage) => stage.enteredBy.map((rule) => ({ matches: matcher(rule), movesBack: 'movesBack' in rule && rule.movesBack === true })));
    compiled.set(model, rules);
  }
  return rules;
}

const byTime = (a: { at: number }, b: { at: number }) => a.at - b.at;
const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Touchpoints and trait changes grouped by the moment they happened, in time order. Within a moment
 * touchpoints come first, by id, so the same set always gives the same causes.
 */
function moments(touchpoints: readonly StagedTouchpoint[], traits: StagedTraits): Signal[][] {
  // An account's touchpoints are its people's merged; one recorded on both counts once.
  const unique = [...new Map(touchpoints.map((touchpoint) => [touchpoint.id, touchpoint])).values()];
  unique.sort((a, b) => byTime(a, b) || byId(a.id, b.id));
  const seen = new Map<string, number>();
  const signals: Signal[] = unique.map((touchpoint, index) => {
    const name = fold(touchpoint.name);
    const occurrence = touchpoint.kind === 'event' ? (seen.get(name) ?? 0) + 1 : 0;
    if (touchpoint.kind === 'event') seen.set(name, occurrence);
    return { at: touchpoint.at, cause: { touchpointId: touchpoint.id }, touchpoint, name, first: index === 0, occurrence };
  });
  for (const [trait, { value, updatedAt }] of Object.entries(traits).sort(([a], [b]) => byId(a, b))) {
    const at = Date.parse(updatedAt);
    // A trait we cannot place in time cannot say when a stage was entered.
    if (!Number.isNaN(at)) signals.push({ at, cause: { trait }, trait, value });
  }
  signals.sort(byTime); // stable: touchpoints before traits within a moment
  const grouped: Signal[][] = [];
  for (const signal of signals) {
    const last = grouped.at(-1);
    if (last?.[0]!.at === signal.at) last.push(signal);
    else grouped.push([signal]);
  }
  return grouped;
}

/**
 * Places a person, or an account (pass all its people's touchpoints), in a stage model's stages.
 * Stages only move forward: a match for an earlier stage is ignored unless its rule `movesBack`.
 * Everything that happens at one moment counts together: the furthest stage matched wins, and the
 * stages before it that also matched are entered at that moment too. Input order does not matter.
 */
export function stageHistory(model: StageModel, touchpoints: readonly StagedTouchpoint[], traits: StagedTraits = {}): StageHistory {
  const rules = rulesOf(model);
  const idOf = (index: number) => model.stages[index]?.id ?? null;
  const entries: Array<StageEntry | undefined> = [];
  const transitions: StageTransition[] = [];
  let current = -1;

  for (const moment of moments(touchpoints, traits)) {
    const at = moment[0]!.at;
    // By stage: what matched one of its rules at this moment, and what matched one that moves back.
    const matched: Array<StageCause | undefined> = [];
    const movingBack: Array<StageCause | undefined> = [];
    for (const signal of moment) {
      rules.forEach((stageRules, index) => {
        for (const rule of stageRules) {
          if (!rule.matches(signal)) continue;
          matched[index] ??= signal.cause;
          if (rule.movesBack) movingBack[index] ??= signal.cause;
        }
      });
    }
    // Where to go: the furthest stage matched later than the current one, else the nearest earlier
    // one a moving-back rule matched.
    let target = -1;
    for (let index = rules.length - 1; index >= 0 && target < 0; index--) {
      if ((index > current && matched[index]) || (index < current && movingBack[index])) target = index;
    }
    if (target < 0) continue;

    if (target < current) {
      transitions.push({ from: idOf(current), to: idOf(target)!, at, ...movingBack[target]! });
    } else {
      let from = current;
      for (let index = current + 1; index <= target; index++) {
        const cause = matched[index];
        if (!cause) continue;
        // The stages between the last one entered and this one were skipped by what entered this one.
        for (let skipped = from + 1; skipped < index; skipped++) entries[skipped] ??= { stage: idOf(skipped)!, status: 'skipped', at, ...cause };
        entries[index] ??= { stage: idOf(index)!, status: 'entered', at, ...cause };
        transitions.push({ from: idOf(from), to: idOf(index)!, at, ...cause });
        from = index;
      }
    }
    current = target;
  }

  return { current: idOf(current), stages: entries.filter((entry) => entry !== undefined), transitions };
}
