import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WriteKey } from '../config.ts';

export interface Keys {
  writeKeys: WriteKey[];
  secretKey: string;
  /** Which keys were made on this start (and so should be shown once). */
  created: { writeKey: boolean; secretKey: boolean };
  file: string;
}

const randomKey = (prefix: string) => {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return prefix + btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
};

/**
 * Keys given in the environment win; those missing come from `keys.json` in the data folder, or
 * are generated and saved there (readable by the owner only), so a first `npm start` needs no setup
 * and later starts keep the same keys.
 */
export function loadOrCreateKeys(dataDir: string, given: { writeKeys?: WriteKey[] | undefined; secretKey?: string | undefined }): Keys {
  const file = join(dataDir, 'keys.json');
  const saved: { writeKey?: string; secretKey?: string } = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const created = { writeKey: false, secretKey: false };

  let writeKeys = given.writeKeys;
  if (!writeKeys) {
    if (!saved.writeKey) {
      saved.writeKey = randomKey('wk_');
      created.writeKey = true;
    }
    writeKeys = [{ key: saved.writeKey, site: 'default', allowedOrigins: '*' }];
  }
  let secretKey = given.secretKey;
  if (!secretKey) {
    if (!saved.secretKey) {
      saved.secretKey = randomKey('sk_');
      created.secretKey = true;
    }
    secretKey = saved.secretKey;
  }
  if (created.writeKey || created.secretKey) writeFileSync(file, JSON.stringify(saved, null, 2) + '\n', { mode: 0o600 });
  return { writeKeys, secretKey, created, file };
}
