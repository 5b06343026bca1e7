import type { Pool } from 'pg';
import { loadConfig } from '../../platform/config';
import { createPool, loadMigrations, migrate, schemaVersion } from '../../platform/database';

const config = loadConfig();
let pool: Pool;

beforeAll(() => {
  pool = createPool(config);
});
afterAll(async () => {
  await pool.end();
});

describe('PostgreSQL (real)', () => {
  it('round-trips a query', async () => {
    const { rows } = await pool.query<{ answer: number; db: string }>(
      'SELECT $1::int + 1 AS answer, current_database() AS db',
      [41],
    );
    expect(rows[0]).toEqual({ answer: 42, db: 'fusioncommerce' });
  });

  it('migrates to the latest version, and migrating again (even concurrently) changes nothing', async () => {
    const latest = (await loadMigrations()).length;
    await Promise.all([migrate(pool), migrate(pool), migrate(pool)]);
    expect(await schemaVersion(pool)).toBe(latest);
    const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM schema_migrations');
    expect(Number(rows[0]?.n)).toBe(latest);
  });
});
