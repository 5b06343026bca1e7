/**
 * A crash at any instant changes nothing: for every saga path, the order worker is killed (SIGKILL) right
 * after each step committed its side effect and before Temporal recorded the step, restarted, and the
 * order must end exactly as it does without a crash — same outcome and reason, same events numbered 1…n,
 * stock exact, one capture only for a confirmed order, one mail, the API agreeing. Prints the matrix.
 */
import { createPaymentClient } from '../../platform/payments';
import { startApiHarness, testKeys } from '../support/api-harness';
import type { ApiHarness } from '../support/api-harness';
import { MailInbox } from '../support/mail-inbox';
import { dedupe } from '../support/event-collector';
import { CrashLane, laneEnvironment } from './lane';
import { cellsOf, formatMatrix, runMatrix } from './matrix';
import { crashPaths } from './paths';

jest.setTimeout(25 * 60_000);

// Cells mostly wait for Temporal to time out the killed worker's task: lanes run side by side.
const LANES = 4;

let h: ApiHarness;
let environment: Awaited<ReturnType<typeof laneEnvironment>> | undefined;
const lanes: CrashLane[] = [];

beforeAll(async () => {
  h = await startApiHarness();
  environment = await laneEnvironment();
  for (let i = 0; i < LANES; i++) {
    lanes.push(new CrashLane(`${h.config.temporal.orderTaskQueue}-lane-${i}`, environment.env));
  }
});
afterAll(async () => {
  await Promise.all(lanes.map((lane) => lane.stop()));
  await h?.stop();
  await environment?.remove();
});

describe('the order worker killed right after each saga step', () => {
  it('ends every path at every crash point exactly as without the crash', async () => {
    const { references, crashes } = cellsOf(crashPaths);
    const started = Date.now();
    const results = await runMatrix(
      {
        client: h.saga.client,
        pool: h.saga.pool,
        stripe: createPaymentClient(h.config),
        inbox: new MailInbox(h.config.mail.inboxUrl ?? 'http://127.0.0.1:1080'),
        apiStatus: async (orderId) => {
          const response = await h.http().get(`/v1/orders/${orderId}`).set('X-API-Key', testKeys.operator);
          return (response.body as { status?: string }).status;
        },
      },
      lanes,
      references,
      crashes,
      ({ cell, problems }) => {
        process.stdout.write(
          `[crash matrix] ${cell.path.name} × ${cell.point ?? '(no crash)'}: ${problems.length ? `FAIL: ${problems.join('; ')}` : 'ok'}\n`,
        );
      },
    );
    process.stdout.write(
      `\nCrash-point matrix (${results.length} cells in ${Math.round((Date.now() - started) / 1000)} s)\n${formatMatrix(results)}\n\n`,
    );
    expect(
      results
        .filter((r) => r.problems.length > 0)
        .map((r) => `${r.cell.path.name} × ${r.cell.point}: ${r.problems.join('; ')}`),
    ).toEqual([]);

    // What the outbox holds reached Kafka: each order's stream, deduplicated by id, is the outbox's.
    for (const { cell, observed } of results) {
      const onKafka = await h.saga.events.waitForType(cell.orderId, 'notification.sent', 60_000);
      expect(dedupe(onKafka).map((e) => e.type)).toEqual(observed?.events);
    }
  });
});
