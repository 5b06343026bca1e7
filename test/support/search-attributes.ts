import { readFileSync } from 'node:fs';
import path from 'node:path';

/** workflows/search-attributes.json: name → type as the Temporal CLI spells it (Keyword, Double, …). */
export function listedSearchAttributes(): Record<string, string> {
  const file = path.resolve(__dirname, '../../workflows/search-attributes.json');
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
}
