import { readFileSync } from 'node:fs';
import path from 'node:path';
import { envSchema } from '../../platform/config';
import { CONFIG_PAGE, renderConfigTable, replaceConfigTable } from '../../scripts/config-table';

const page = readFileSync(path.resolve(__dirname, '../..', CONFIG_PAGE), 'utf8');

describe('configuration table of docs/configuration.md', () => {
  it('is the one generated from the config schema (run `npm run docs:config` after changing it)', () => {
    expect(replaceConfigTable(page)).toBe(page);
  });

  it('lists every variable with its default', () => {
    const table = renderConfigTable();
    for (const name of Object.keys(envSchema.shape)) expect(table).toContain(`| \`${name}\` |`);
    expect(table).toContain('| `HTTP_PORT` | `3000` |');
  });
});
