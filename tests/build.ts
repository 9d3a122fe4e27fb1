import { execFileSync } from 'node:child_process';
import { root } from './support.ts';

/** vitest globalSetup: builds the bundles once, so the e2e tests start what `npm start` starts. */
export default function build(): void {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
}
