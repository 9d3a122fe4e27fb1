import pg from 'pg';

/** The server the e2e tests use, as in CI (127.0.0.1:5432, database test). */
export const postgresServer = process.env.JOURNEY_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Whether a PostgreSQL server answers. Where none does, `what` is skipped with the reason
 * printed; in CI (CI=1) that is a failure, never a silent skip.
 */
export async function postgresAvailable(what: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: postgresServer, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch (error) {
    if (process.env.CI) throw new Error(`CI must run ${what}, but ${postgresServer} does not answer: ${String(error)}`);
    console.warn(`Skipping ${what}: ${postgresServer} does not answer (${String(error)}); set JOURNEY_TEST_POSTGRES`);
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function admin(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresServer });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

/**
 * A database of its own on the test server, for a collector process: the collector migrates
 * `public`, so a database (not a schema) keeps parallel tests apart. Resolves with its URL.
 */
export async function createDatabase(label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `journey_${label}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await admin(`create database ${name}`);
  return {
    url: postgresServer.replace(/\/[^/]*$/, `/${name}`),
    // WITH (FORCE): a collector killed without closing its pool must not keep the database.
    drop: () => admin(`drop database if exists ${name} with (force)`),
  };
}
