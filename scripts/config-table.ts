/**
 * Renders the configuration table of docs/configuration.md from the config schema, so the two cannot drift.
 * `npm run docs:config` rewrites the table in place; a test fails when it is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { envSchema } from '../platform/config';

export const TABLE_START = '<!-- config-table:start -->';
export const TABLE_END = '<!-- config-table:end -->';
/** The page that holds the table, relative to the repository root. */
export const CONFIG_PAGE = 'docs/configuration.md';

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

export function replaceConfigTable(page: string): string {
  const start = page.indexOf(TABLE_START);
  const end = page.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`${CONFIG_PAGE} needs ${TABLE_START} … ${TABLE_END} markers`);
  return `${page.slice(0, start + TABLE_START.length)}\n${renderConfigTable()}\n${page.slice(end)}`;
}

if (require.main === module) {
  const pagePath = path.resolve(__dirname, '..', CONFIG_PAGE);
  writeFileSync(pagePath, replaceConfigTable(readFileSync(pagePath, 'utf8')));
  console.log(`${CONFIG_PAGE} configuration table updated`);
}
