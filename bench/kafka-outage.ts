/**
 * `--kafka-outage S`: stops the local Kafka mid-run with the stack's own scripts, keeps it down S seconds
 * and starts it again, so the run shows whether orders still settle and the event stream stays whole.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { repoRoot } from '../harness/processes';

const run = promisify(execFile);

async function stack(command: 'up' | 'down'): Promise<void> {
  await run('bash', [path.join(repoRoot, 'stack', command), 'kafka'], { cwd: repoRoot });
}

export interface OutageTimes {
  downAt: number;
  upAt: number;
}

/** After `afterS`, takes Kafka down for `outageS`; resolves once it answers again. */
export async function kafkaOutage(
  afterS: number,
  outageS: number,
  say: (line: string) => void,
): Promise<OutageTimes> {
  await sleep(afterS * 1000);
  say(`[kafka-outage] stopping Kafka for ${outageS} s (bash stack/down kafka)`);
  await stack('down');
  const downAt = Date.now();
  await sleep(outageS * 1000);
  say('[kafka-outage] starting Kafka again (bash stack/up kafka)');
  await stack('up');
  const upAt = Date.now();
  say(`[kafka-outage] Kafka answers again after ${((upAt - downAt) / 1000).toFixed(0)} s down`);
  return { downAt, upAt };
}
