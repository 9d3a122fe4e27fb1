let lastTime = 0;
let sequence = 0;
const hex = (value: number, digits: number) => value.toString(16).padStart(digits, '0');

/**
 * A UUIDv7 (RFC 9562): 48 bits of milliseconds, a 12-bit counter within the millisecond, then
 * random bits. Time-ordered ids keep the queue in event order (IndexedDB returns keys sorted) and
 * land at the end of the collector's messageId index instead of a random page of it.
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
  const [variant, ...random] = crypto.getRandomValues(new Uint16Array(4));
  return `${time.slice(0, 8)}-${time.slice(8)}-${hex(0x7000 | sequence, 4)}-${hex(0x8000 | (variant! & 0x3fff), 4)}-${random.map((part) => hex(part, 4)).join('')}`;
}
