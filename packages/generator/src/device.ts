/**
 * Devices: the browsers a person visits from. Each keeps what the SDK keeps in its storage — the
 * anonymousId, and once someone identifies, their user id, account and traits — until reset(),
 * which people on a shared laptop do not call.
 */
import type { Audience } from './persona.ts';
import type { Random } from './random.ts';

export type DeviceKind = 'desktop' | 'mobile' | 'tablet';

export interface DeviceModel {
  kind: DeviceKind;
  userAgent: string;
  screen: { width: number; height: number; density: number };
}

// Frozen: every event from a device shares its screen object.
const models: Record<DeviceKind, readonly DeviceModel[]> = deepFreeze({
  desktop: [
    {
      kind: 'desktop',
      userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      screen: { width: 1512, height: 982, density: 2 },
    },
    {
      kind: 'desktop',
      userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
      screen: { width: 1920, height: 1080, density: 1 },
    },
    {
      kind: 'desktop',
      userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
      screen: { width: 1536, height: 864, density: 1.25 },
    },
    {
      kind: 'desktop',
      userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
      screen: { width: 1440, height: 900, density: 2 },
    },
  ],
  mobile: [
    {
      kind: 'mobile',
      userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
      screen: { width: 393, height: 852, density: 3 },
    },
    {
      kind: 'mobile',
      userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
      screen: { width: 412, height: 915, density: 2.625 },
    },
    {
      kind: 'mobile',
      userAgent: 'Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
      screen: { width: 360, height: 780, density: 3 },
    },
  ],
  tablet: [
    {
      kind: 'tablet',
      userAgent: 'Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
      screen: { width: 820, height: 1180, density: 2 },
    },
  ],
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) for (const inner of Object.values(value)) deepFreeze(inner);
  return Object.freeze(value);
}

/**
 * A person's devices, the first being where they sign up: a work computer for B2B buyers, for
 * individuals as often their phone. Between one and three.
 */
export function deviceKindsFor(audience: Audience, random: Random): DeviceKind[] {
  if (audience === 'b2b') {
    const kinds: DeviceKind[] = ['desktop'];
    if (random.chance(0.5)) kinds.push('mobile');
    if (random.chance(0.15)) kinds.push(random.chance(0.5) ? 'tablet' : 'desktop');
    return kinds;
  }
  const kinds: DeviceKind[] = [random.chance(0.55) ? 'mobile' : 'desktop'];
  if (random.chance(0.45)) kinds.push(kinds[0] === 'mobile' ? 'desktop' : 'mobile');
  if (random.chance(0.1)) kinds.push('tablet');
  return kinds;
}

export const modelOf = (kind: DeviceKind, random: Random): DeviceModel => random.pick(models[kind]);

/** What the SDK remembers on a device between visits. */
export interface DeviceMemory {
  userId: string | undefined;
  groupId: string | undefined;
  traits: Record<string, string | number>;
}

export const freshMemory = (): DeviceMemory => ({ userId: undefined, groupId: undefined, traits: {} });
