/**
 * Stages: Awareness → Consideration → Purchase → Loyalty, as the collector's default stage model
 * defines them (issue 6, packages/collector/src/journey/stages.ts), and how many people move on
 * from each and how long it takes them. The truth places people with the same rules, applied to what
 * they actually did, so it says what a correct collector must find.
 */

export const stages = ['awareness', 'consideration', 'purchase', 'loyalty'] as const;
export type Stage = (typeof stages)[number];

/** What the stage rules read: a page viewed, a key event, or an imported touchpoint. */
export type Signal =
  | { kind: 'page'; at: number; path: string; entry: boolean }
  | { kind: 'event'; at: number; name: string }
  | { kind: 'offline'; at: number; type: string };

const considerationPaths = /^\/(pricing|docs|case-studies)(\/|$)/;
const considerationEvents = new Set(['Signed Up', 'Demo Requested', 'Webinar Registered']);
const considerationImports = new Set(['webinar', 'demo']);
const purchaseEvents = new Set(['Order Completed', 'Subscription Started']);
const loyaltyEvents = new Set(['Subscription Renewed', 'Referral Sent']);

export const isConsiderationPath = (path: string): boolean => considerationPaths.test(path);

export interface StageEntry {
  at: number;
  /** What moved them: "page /pricing", "event Signed Up", "offline closed_won", or the stage it was skipped for. */
  via: string;
  /** Skipped: a later stage was reached first, so this one counts as reached at that moment. */
  status: 'entered' | 'skipped';
}

/**
 * Places one person or account, whatever order the signals come in: a stage is reached at its
 * first match or at the first match of any later stage, whichever is earlier, because stages only
 * move forward. "Order Completed" counts for Loyalty from its second time on.
 */
export class StageTracker {
  private readonly first: Array<{ at: number; via: string }> = stages.map(() => ({ at: Infinity, via: '' }));
  private readonly orders: Array<{ at: number; via: string }> = [];

  observe(signal: Signal): void {
    if (signal.kind === 'page') {
      // Every touchpoint counts for Awareness; a page is one when it opens a session.
      if (signal.entry) this.match(0, signal.at, `page ${signal.path}`);
      if (considerationPaths.test(signal.path)) this.match(1, signal.at, `page ${signal.path}`);
    } else if (signal.kind === 'event') {
      const via = `event ${signal.name}`;
      this.match(0, signal.at, via);
      if (considerationEvents.has(signal.name)) this.match(1, signal.at, via);
      if (purchaseEvents.has(signal.name)) this.match(2, signal.at, via);
      if (loyaltyEvents.has(signal.name)) this.match(3, signal.at, via);
      if (signal.name === 'Order Completed') {
        this.orders.push({ at: signal.at, via });
        this.orders.sort((a, b) => a.at - b.at);
        this.orders.length = Math.min(this.orders.length, 2);
        const second = this.orders[1];
        if (second) this.match(3, second.at, `${via} (2nd)`);
      }
    } else {
      const via = `offline ${signal.type}`;
      this.match(0, signal.at, via);
      if (considerationImports.has(signal.type)) this.match(1, signal.at, via);
      if (signal.type === 'closed_won') this.match(2, signal.at, via);
    }
  }

  private match(stage: number, at: number, via: string): void {
    const current = this.first[stage]!;
    if (at < current.at) this.first[stage] = { at, via };
  }

  /** Each stage reached, with when and why. */
  entries(): Partial<Record<Stage, StageEntry>> {
    const result: Partial<Record<Stage, StageEntry>> = {};
    let later = { at: Infinity, via: '' };
    for (let index = stages.length - 1; index >= 0; index--) {
      const own = this.first[index]!;
      if (own.at <= later.at) later = own;
      if (later.at === Infinity) continue;
      result[stages[index]!] =
        own.at === later.at ? { at: own.at, via: own.via, status: 'entered' } : { at: later.at, via: later.via, status: 'skipped' };
    }
    return result;
  }
}

const day = 86_400_000;

/**
 * How many move on from each stage, and after how long (log-normal: median days, spread). B2B
 * accounts take months — about 190 days from first touch to purchase — individuals days.
 */
export const funnel = {
  b2b: {
    consider: { rate: 0.6, median: 18 * day, sigma: 0.8 },
    purchase: { rate: 0.4, median: 175 * day, sigma: 0.4 },
    /** Monthly billing renews after 30 days; yearly customers show loyalty by expanding or referring. */
    monthly: { 'self-serve': 0.6, 'sales-led': 0.1 },
    expand: { rate: 0.35, median: 70 * day, sigma: 0.6 },
    refer: { rate: 0.2, median: 45 * day, sigma: 0.8 },
  },
  b2c: {
    consider: { rate: 0.42, median: 2 * day, sigma: 1.2 },
    purchase: { rate: 0.3, median: 8 * day, sigma: 1.0 },
    monthly: 0.75,
    expand: { rate: 0.15, median: 40 * day, sigma: 0.7 },
    refer: { rate: 0.15, median: 30 * day, sigma: 0.8 },
  },
  /** A subscriber who would renew this month cancels instead. */
  churn: { first: 0.12, later: 0.03 },
} as const;
