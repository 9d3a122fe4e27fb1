/**
 * Does checking the secret key leak where a wrong key differs? (issue #9: "compared in constant
 * time"). Times the collector's comparison of wrong keys that differ from the secret in their
 * first byte against ones that differ only in their last, interleaved in many rounds on this
 * machine; a byte loop that stops at the first difference is timed the same way, as the control
 * that shows the method can see such a leak. Median ns per comparison, and the difference between
 * the two kinds of wrong key against the difference between two identical sets (the noise).
 *
 *   node bench/secret-timing.ts        (BENCH_ROUNDS=1500 by default, about a minute)
 */
import { constantTimeEqual } from '../packages/collector/src/auth/secret-key.ts';
import { machine, writeSection } from './report.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 1500);
const perBatch = 200;

// A long key makes an early-exit comparison's leak as large as it gets.
const secret = `sk_${'a'.repeat(253)}`;
const differing = (at: number) => secret.slice(0, at) + 'b' + secret.slice(at + 1);
const wrongFirst = differing(0);
const wrongLast = differing(secret.length - 1);

/** The control: returns at the first differing byte, as `===` on a string may. */
async function earlyExit(a: string, b: string): Promise<boolean> {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return false;
  return true;
}

type Compare = (a: string, b: string) => Promise<boolean>;

/** ns per call over one batch. */
async function batch(compare: Compare, candidate: string): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < perBatch; i++) if (await compare(candidate, secret)) throw new Error('a wrong key matched');
  return Number(process.hrtime.bigint() - start) / perBatch;
}

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);

/**
 * The median of paired differences with its 95 % confidence interval, from order statistics (no
 * assumption about the distribution: timings have long tails).
 */
function medianWithInterval(values: number[]): { median: number; low: number; high: number } {
  const s = sorted(values);
  const n = s.length;
  const half = 1.96 * Math.sqrt(n) / 2;
  return { median: s[Math.floor(n / 2)]!, low: s[Math.max(0, Math.floor(n / 2 - half))]!, high: s[Math.min(n - 1, Math.ceil(n / 2 + half))]! };
}

/**
 * Rounds of batches, the candidates' order rotating each round so that drift in the machine's
 * speed falls on each alike; within a round, last − first is one paired difference, and
 * firstAgain − first (the same key twice) shows what no leak looks like.
 */
async function measure(compare: Compare) {
  const order = ['first', 'firstAgain', 'last'] as const;
  const key = { first: wrongFirst, firstAgain: wrongFirst, last: wrongLast };
  const firsts: number[] = [];
  const leak: number[] = [];
  const same: number[] = [];
  for (let i = 0; i < 20; i++) for (const name of order) await batch(compare, key[name]); // warm up
  for (let round = 0; round < rounds; round++) {
    const took = {} as Record<(typeof order)[number], number>;
    for (let k = 0; k < order.length; k++) {
      const name = order[(round + k) % order.length]!;
      took[name] = await batch(compare, key[name]);
    }
    firsts.push(took.first);
    leak.push(took.last - took.first);
    same.push(took.firstAgain - took.first);
  }
  return { first: sorted(firsts)[Math.floor(rounds / 2)]!, leak: medianWithInterval(leak), same: medianWithInterval(same) };
}

const ours = await measure(constantTimeEqual);
const control = await measure(earlyExit);
type Measured = Awaited<ReturnType<typeof measure>>;
const ns = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(0)}`;
const interval = (m: Measured['leak']) => `${ns(m.median)} ns [${ns(m.low)}, ${ns(m.high)}]`;
const row = (name: string, m: Measured) => `| ${name} | ${m.first.toFixed(0)} ns | ${interval(m.leak)} | ${interval(m.same)} |`;
// A leak: the interval of last − first lies wholly above zero and above the same-key interval.
const leaks = (m: Measured) => m.leak.low > 0 && m.leak.low > m.same.high;

const fine = ours.leak.high < control.leak.median && ours.leak.low > -control.leak.median;

const markdown = `## Secret key comparison (\`npm run bench:secret\`)

Machine: ${machine()}. A ${secret.length}-byte secret; wrong keys that differ in the first byte or only in the last;
${rounds} rounds of ${perBatch} comparisons per kind, interleaved; per round, the difference in ns per comparison between
the two kinds, and between two runs of the same key (what no leak looks like). Medians with 95 % intervals.

| comparison | one comparison | last − first byte differing (95 % interval) | same key twice (95 % interval) |
| --- | ---: | ---: | ---: |
${row("the collector's (SHA-256 both, compare digests)", ours)}
${row('control: stop at the first differing byte', control)}

The collector's comparison ${leaks(ours) ? '**shows a difference beyond the noise**' : 'shows no difference beyond the noise'}; the control ${leaks(control) ? 'does, so the method can see an early exit' : '**does not: the method cannot see a leak on this machine, and the row above proves nothing**'}.
${fine ? `An early exit as large as the control's (${ns(control.leak.median)} ns on this key) would lie outside the collector's interval.` : `**The collector's interval is too wide to rule out an early exit as large as the control's (${ns(control.leak.median)} ns)**: run more rounds.`}`;
console.log(markdown);
writeSection('secret-timing', markdown);
if (leaks(ours) || !leaks(control) || !fine) process.exitCode = 1;
