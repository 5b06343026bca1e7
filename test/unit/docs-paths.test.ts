/**
 * The README and the docs pages name files and link to each other; code moves. Every repository path in
 * backticks and every relative link must point at something that exists, so a move that forgets a page
 * fails here instead of sending a newcomer to a file that is gone.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const pages = [
  'README.md',
  ...readdirSync(path.join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const folders =
  'api|workflows|activities|workers|platform|contracts|bench|chaos|harness|scripts|stack|test|n8n|docs';
const backticked = new RegExp(`\`((?:${folders})/[\\w\\-./]*)\``, 'g');
const linked = /\]\(((?!https?:|mailto:|#)[^)\s]+)\)/g;

function missing(page: string): string[] {
  const text = readFileSync(path.join(root, page), 'utf8');
  const gone: string[] = [];
  for (const [, named = ''] of text.matchAll(backticked)) {
    const target = named.replace(/[.:]$/, '');
    if (!existsSync(path.join(root, target))) gone.push(target);
  }
  for (const [, link = ''] of text.matchAll(linked)) {
    const target = path.join(root, path.dirname(page), link.split('#')[0] ?? '');
    if (!existsSync(target)) gone.push(link);
  }
  return gone;
}

describe('paths named in the README and docs/', () => {
  it.each(pages)('%s names only files that exist', (page) => {
    expect(missing(page)).toEqual([]);
  });
});
