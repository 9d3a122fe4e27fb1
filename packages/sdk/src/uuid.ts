let lastTime = 0;
let sequence = 0;
const hex = (value: number, digits: number) => value.toString(16).padStart(digits, '0');

/**
 * A UUIDv7 (RFC 9562): 48 bits of milliseconds, a 12-bit counter within the millisecond, then
 * random bits. Time-ordered ids keep the queue in event order (IndexedDB returns keys sorted) and
 * land at the end of the collector's messageId index instead of a random page of it.
 * getRandomValues, not randomUUID: the latter is missing on pages served over plain http.
 */
export function uuid(): string {
  const now = Date.now();
  if (now > lastTime) {
    lastTime = now;
    sequence = 0;
  } else if (++sequence > 4095) {
    // 4096 ids in one millisecond: borrow the next one; the order still holds.
    lastTime++;
    sequence = 0;
  }
  const time = hex(lastTime, 12);
  const random = Array.from(crypto.getRandomValues(new Uint16Array(4)), (part) => hex(part, 4)).join('');
  // The variant's two bits are 10: "8", then 60 random bits.
  return `${time.slice(0, 8)}-${time.slice(8)}-7${hex(sequence, 3)}-8${random.slice(1, 4)}-${random.slice(4)}`;
}
