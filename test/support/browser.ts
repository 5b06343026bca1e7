/**
 * A real headless browser for the page tests: Debian's Chromium (installed by scripts/ensure-chromium.sh
 * when missing), driven by puppeteer-core. Screenshots go to `test-artifacts/`, kept after the run.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page, PuppeteerNode } from 'puppeteer-core';

// puppeteer-core 25 is an ES module only, which Jest's module registry (CommonJS, no VM modules) cannot
// load; Node's own require can (require(esm), unflagged since Node 20.19). Jest replaces `require` and
// `node:module` in tests, so Node's own is reached through process.getBuiltinModule.
const nodeModule = process.getBuiltinModule('node:module');
const puppeteer = (nodeModule.createRequire(__filename)('puppeteer-core') as { default: PuppeteerNode })
  .default;

const root = path.resolve(__dirname, '../..');
export const artifactsDir = path.join(root, 'test-artifacts');

export async function launchBrowser(): Promise<Browser> {
  const executablePath = execFileSync('bash', [path.join(root, 'scripts/ensure-chromium.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  return puppeteer.launch({
    executablePath,
    headless: true,
    // Root in CI has no user namespace sandbox; /dev/shm is small on some machines.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

/** A page of laptop size that fails the test on any script error of the page. */
export async function openPage(browser: Browser): Promise<{ page: Page; pageErrors: string[] }> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1366, height: 900 });
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err instanceof Error ? err.message : String(err)));
  return { page, pageErrors };
}

/** Saves a full-page screenshot as `test-artifacts/<name>.png` and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name}.png`);
  // The whole page in one viewport: a full-page capture resizes the viewport mid-shot, and charts that
  // redraw on resize (in the next animation frame) come out blank.
  const viewport = page.viewport() ?? { width: 1366, height: 900 };
  const height = (await page.evaluate('document.documentElement.scrollHeight')) as number;
  await page.setViewport({ ...viewport, height: Math.max(viewport.height, height) });
  await new Promise((resolve) => setTimeout(resolve, 500));
  await page.screenshot({ path: file });
  process.stdout.write(`screenshot: ${path.relative(root, file)}\n`);
  return file;
}
