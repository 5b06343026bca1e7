/** The API harness served over HTTP on a free port, and a headless browser to load its pages. */
import type { AddressInfo } from 'node:net';
import type { Browser } from 'puppeteer-core';
import { startApiHarness } from './api-harness';
import type { ApiHarness } from './api-harness';
import { launchBrowser } from './browser';

export interface PageHarness {
  api: ApiHarness;
  /** Where the API listens, e.g. `http://127.0.0.1:41234`. */
  baseUrl: string;
  browser: Browser;
  stop(): Promise<void>;
}

export async function startPageHarness(): Promise<PageHarness> {
  const api = await startApiHarness();
  const server = api.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const browser = await launchBrowser();
  return {
    api,
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    browser,
    async stop() {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
      await api.stop();
    },
  };
}
