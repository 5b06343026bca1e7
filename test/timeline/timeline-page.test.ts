import type { Browser } from 'puppeteer-core';
import { z } from 'zod';
import { idempotencyKey, testKeys } from '../support/api-harness';
import type { ApiHarness } from '../support/api-harness';
import { openPage, saveScreenshot } from '../support/browser';
import { startPageHarness } from '../support/page-harness';
import type { PageHarness } from '../support/page-harness';
import { allPublished, eventEntries, submitHeldPaidOrder, timelineWhen } from './timeline-support';

jest.setTimeout(120_000);

let api: ApiHarness;
let pages: PageHarness;
let browser: Browser;
let baseUrl: string;

beforeAll(async () => {
  pages = await startPageHarness();
  ({ api, baseUrl, browser } = pages);
});
afterAll(async () => {
  await pages?.stop();
});

const RenderedPage = z.object({
  entries: z.array(
    z.object({
      source: z.string(),
      compensation: z.boolean(),
      title: z.string(),
      placement: z.string().nullable(),
    }),
  ),
  links: z.array(z.string()),
  keyInUrl: z.boolean(),
});

// Runs in the page; a string, since the tests are compiled without the DOM's types.
const readRenderedPage = `({
  entries: Array.from(document.querySelectorAll('li.entry')).map((item) => ({
    source: item.dataset.source,
    compensation: item.dataset.compensation === 'true',
    title: item.querySelector('.title .text').textContent,
    placement: item.querySelector('code.placement')?.textContent ?? null,
  })),
  links: Array.from(document.querySelectorAll('.summary .links a')).map((a) => a.href),
  keyInUrl: window.location.hash.includes('key='),
})`;

describe('the order timeline page', () => {
  it('draws a cancelled order: its compensation highlighted and each event at topic[partition]@offset', async () => {
    const orderId = await submitHeldPaidOrder(api);
    await api
      .http()
      .post(`/v1/orders/${orderId}/cancel`)
      .set('X-API-Key', testKeys.operator)
      .set('Idempotency-Key', idempotencyKey())
      .send({ reason: 'customer changed their mind', requestedBy: 'support-desk' })
      .expect(200);
    const timeline = await timelineWhen(
      api,
      orderId,
      (t) => allPublished(t) && t.entries.some((e) => e.title === 'Saga completed: cancelled'),
      'the cancelled order, published',
    );

    const { page, pageErrors } = await openPage(browser);
    await page.goto(`${baseUrl}/dashboard/orders/${orderId}#key=${testKeys.operator}`);
    await page.waitForSelector('li.entry');
    const { entries: rendered, links, keyInUrl } = RenderedPage.parse(await page.evaluate(readRenderedPage));
    await saveScreenshot(page, 'order-timeline-cancelled');

    expect(pageErrors).toEqual([]);
    expect(keyInUrl).toBe(false);
    expect(rendered).toHaveLength(timeline.entries.length);
    expect(rendered.filter((e) => e.compensation).map((e) => e.title)).toEqual(
      expect.arrayContaining([
        'voidPayment completed',
        'releaseInventory completed',
        'payment.voided #6',
        'inventory.released #7',
      ]),
    );
    const cancelled = eventEntries(timeline).find((e) => e.details.type === 'order.cancelled')!;
    const { topic, partition, offset } = cancelled.details.kafka!;
    expect(rendered.find((e) => e.title.startsWith('order.cancelled'))).toMatchObject({
      source: 'event',
      placement: `${topic}[${partition}]@${offset}`,
    });
    expect(rendered.map((e) => e.source)).toEqual(timeline.entries.map((e) => e.source));
    expect(links).toEqual([timeline.links.temporalUi, expect.stringContaining(api.config.mail.inboxUrl!)]);
  });

  it('asks for a key when the one in the URL is a storefront key', async () => {
    const { page, pageErrors } = await openPage(browser);
    await page.goto(`${baseUrl}/dashboard/orders/any-order-id#key=${testKeys.storefront}`);
    await page.waitForSelector('#key-form:not([hidden])');
    const shown = z.string().parse(await page.evaluate(`document.getElementById('timeline').textContent`));
    expect(shown).toContain('An operator key is needed');
    expect(pageErrors).toEqual([]);
  });
});
