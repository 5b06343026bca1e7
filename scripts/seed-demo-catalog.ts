/** Seeds a small demo catalog for `npm start` (idempotent: existing products and stock are left alone). */
import { loadConfigOrExit } from '../platform/config';
import { createPool, migrate } from '../platform/database';

const demo = [
  { sku: 'DEMO-MUG', name: 'Enamel mug', priceMinor: 1_200, available: 100 },
  { sku: 'DEMO-TEE', name: 'Organic T-shirt', priceMinor: 2_500, available: 50 },
  { sku: 'DEMO-LAMP', name: 'Desk lamp', priceMinor: 64_900, available: 5 },
];

async function main(): Promise<void> {
  const pool = createPool(loadConfigOrExit());
  try {
    await migrate(pool);
    for (const p of demo) {
      await pool.query(
        `INSERT INTO products (sku, name, price_minor, currency) VALUES ($1, $2, $3, 'EUR') ON CONFLICT (sku) DO NOTHING`,
        [p.sku, p.name, p.priceMinor],
      );
      await pool.query('INSERT INTO stock (sku, available) VALUES ($1, $2) ON CONFLICT (sku) DO NOTHING', [
        p.sku,
        p.available,
      ]);
    }
    console.log(`[start] demo catalog: ${demo.map((p) => p.sku).join(', ')}`);
  } finally {
    await pool.end();
  }
}

void main();
