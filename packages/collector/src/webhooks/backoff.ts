/**
 * When to try a failed delivery again: after 30 s, then twice as long each time (capped at two
 * hours), with up to a fifth more at random so receivers that recover are not hit by everyone at
 * once; never later than 24 hours after the delivery was made. Past that it is dead: it waits in
 * the dead-letter list for a replay.
 */
export const retryFor = 24 * 60 * 60 * 1000;

export function nextAttempt(attempts: number, createdAt: number, now: number, random: () => number = Math.random): number | null {
  const delay = Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 2 * 60 * 60 * 1000) * (1 + random() / 5);
  const at = now + Math.round(delay);
  const deadline = createdAt + retryFor;
  if (now >= deadline) return null;
  return Math.min(at, deadline);
}
