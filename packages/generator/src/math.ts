/**
 * Natural logarithm and exponential from + − × ÷ alone. JavaScript rounds those exactly the same on
 * every machine, while Math.log and Math.exp are only required to be approximations: engines and
 * CPUs may differ in the last bit, and one bit is enough to move a generated timestamp by a
 * millisecond. The generator promises byte-identical output everywhere, so its randomness uses these.
 */

const LN2 = 0.6931471805599453;
// ln 2 split as fdlibm does (Cody and Waite): k·LN2_HI is exact for any k we meet, so reducing a
// large argument loses nothing.
const LN2_HI = 6.9314718036912381649e-1;
const LN2_LO = 1.9082149292705877e-10;
const SQRT2 = 1.4142135623730951;

/** ln(x) for x > 0: x = m·2^e with m near 1, then ln m = 2·atanh((m − 1)/(m + 1)) as a series. */
export function ln(x: number): number {
  if (!(x > 0) || x === Infinity) return x === 0 ? -Infinity : x === Infinity ? Infinity : Number.NaN;
  let e = 0;
  // Scale by exact powers of two (big steps first) until m is in [√½, √2).
  while (x >= 2 ** 32) (x /= 2 ** 32), (e += 32);
  while (x < 2 ** -32) (x *= 2 ** 32), (e -= 32);
  while (x >= SQRT2) (x /= 2), e++;
  while (x < SQRT2 / 2) (x *= 2), e--;
  const z = (x - 1) / (x + 1);
  const z2 = z * z;
  // |z| ≤ 0.1716, so z^(2k+1)/(2k+1) is below 2^-60 by k = 12.
  let term = z;
  let sum = z;
  for (let k = 3; k <= 25; k += 2) {
    term *= z2;
    sum += term / k;
  }
  return e * LN2_HI + (e * LN2_LO + 2 * sum);
}

/** e^x: x = k·ln 2 + r with |r| ≤ ½ ln 2, a Taylor series for e^r, then k exact doublings. */
export function exp(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x > 709.78) return Infinity;
  if (x < -745.2) return 0;
  const k = Math.round(x / LN2);
  const r = x - k * LN2_HI - k * LN2_LO;
  // r^18/18! < 2^-60 for |r| ≤ 0.35.
  let term = 1;
  let sum = 1;
  for (let n = 1; n <= 18; n++) {
    term *= r / n;
    sum += term;
  }
  let scale = 1;
  for (let i = 0; i < Math.abs(k); i++) scale *= k > 0 ? 2 : 0.5;
  return sum * scale;
}
