/**
 * Writes the SQLite migrations as SQL files for `wrangler d1 migrations apply`
 * (packages/collector/migrations/d1). Run after adding a migration: `npm run migrations:d1`;
 * a test fails while the files and migrations.ts disagree.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { d1MigrationFiles } from '../src/storage/d1/migrations.ts';

export const d1MigrationsDir = join(import.meta.dirname, '..', 'migrations', 'd1');

if (import.meta.main) {
  mkdirSync(d1MigrationsDir, { recursive: true });
  for (const file of await d1MigrationFiles()) {
    writeFileSync(join(d1MigrationsDir, file.name), file.sql);
    console.log(`wrote ${join(d1MigrationsDir, file.name)}`);
  }
}
