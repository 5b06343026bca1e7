/** PostgreSQL pool and the schema migrations every service runs on start. */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Pool } from 'pg';
import type { PoolClient } from 'pg';
import type { AppConfig } from './config';
import type { Logger } from './logger';

export const migrationsDir = path.join(__dirname, 'migrations');

// Arbitrary constant: every process migrating the same database serialises on this advisory lock.
const MIGRATION_LOCK_KEY = 727_001;

export function createPool(config: Pick<AppConfig, 'database'>): Pool {
  const pool = new Pool({ connectionString: config.database.url, max: config.database.poolMax });
  // An idle client losing its server (restart, failover) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  // The pool listens for errors on idle clients only: a checked-out client whose server goes away (57P01,
  // admin shutdown) emits 'error' with no listener, which kills the process (node-postgres #1324). Its
  // query fails anyway, so the step is retried; the listener only keeps the process alive.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  return pool;
}

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Reads `NNN_name.sql` files in version order; a gap or a duplicate version is a packaging bug. */
export async function loadMigrations(dir = migrationsDir): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const migrations = await Promise.all(
    files.map(async (file) => {
      const match = /^(\d+)_([a-z0-9_]+)\.sql$/.exec(file);
      if (!match?.[1] || !match[2])
        throw new Error(`Migration file name ${file} must look like 001_name.sql`);
      return { version: Number(match[1]), name: match[2], sql: await readFile(path.join(dir, file), 'utf8') };
    }),
  );
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`Migration ${m.version}_${m.name} out of sequence: expected ${i + 1}`);
  });
  return migrations;
}

/** Applies pending migrations, each in its own transaction; safe to run from many processes at once. */
export async function migrate(pool: Pool, logger?: Logger): Promise<number> {
  const migrations = await loadMigrations();
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    const applied = new Set(
      (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(
        (r) => r.version,
      ),
    );
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await inTransaction(client, async () => {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          migration.version,
          migration.name,
        ]);
      });
      logger?.info({ version: migration.version, name: migration.name }, 'applied migration');
    }
    return migrations.length;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    client.release();
  }
}

/** Latest applied migration version, or 0 on an empty database. */
export async function schemaVersion(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ version: number | null }>(
    `SELECT max(version) AS version FROM schema_migrations`,
  );
  return rows[0]?.version ?? 0;
}

export async function inTransaction<T>(client: PoolClient, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
