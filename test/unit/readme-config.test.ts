import { readFileSync } from 'node:fs';
import path from 'node:path';
import { envSchema } from '../../platform/config';
import { renderConfigTable, replaceConfigTable } from '../../scripts/config-table';

const readme = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');

describe('README configuration table', () => {
  it('is the one generated from the config schema (run `npm run docs:config` after changing it)', () => {
    expect(replaceConfigTable(readme)).toBe(readme);
  });

  it('lists every variable with its default', () => {
    const table = renderConfigTable();
    for (const name of Object.keys(envSchema.shape)) expect(table).toContain(`| \`${name}\` |`);
    expect(table).toContain('| `HTTP_PORT` | `3000` |');
  });
});
