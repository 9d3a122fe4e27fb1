/**
 * Copies what the Worker serves as static assets into ./public: the SDK's script-tag build
 * (`npm run build` at the root makes it) and the demo site's pages.
 */
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const here = import.meta.dirname;
const script = join(here, '..', '..', 'packages', 'sdk', 'dist', 'journey.js');
if (!existsSync(script)) {
  console.error(`${script} is missing: run \`npm run build\` at the repository's root first`);
  process.exit(1);
}
const publicDir = join(here, 'public');
rmSync(publicDir, { recursive: true, force: true });
mkdirSync(publicDir);
cpSync(join(here, '..', 'site', 'public'), publicDir, { recursive: true });
cpSync(script, join(publicDir, 'journey.js'));
console.log(`assets ready in ${publicDir}`);
