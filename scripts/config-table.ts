/**
 * Renders the configuration table of the README from the config schema, so the two cannot drift.
 * `npm run docs:config` rewrites the table in place; a test fails when it is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { envSchema } from '../platform/config';

export const TABLE_START = '<!-- config-table:start -->';
export const TABLE_END = '<!-- config-table:end -->';

export function renderConfigTable(): string {
  const defaults = envSchema.parse({}) as Record<string, unknown>;
  const rows = Object.entries(envSchema.shape).map(([name, schema]) => {
    const value = defaults[name];
    const shown =
      value === undefined
        ? '—'
        : `\`${Array.isArray(value) ? value.join(',') : JSON.stringify(value).replace(/^"(.*)"$/, '$1')}\``;
    return `| \`${name}\` | ${shown} | ${(schema.description ?? '').replace(/\|/g, '\\|')} |`;
  });
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

export function replaceConfigTable(readme: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md needs ${TABLE_START} … ${TABLE_END} markers`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${renderConfigTable()}\n${readme.slice(end)}`;
}

if (require.main === module) {
  const readmePath = path.resolve(__dirname, '../README.md');
  writeFileSync(readmePath, replaceConfigTable(readFileSync(readmePath, 'utf8')));
  console.log('README.md configuration table updated');
}
