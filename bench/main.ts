/**
 * `npm run bench`: the order saga on the local stack, driven through its HTTP API by the benchmark's own
 * API and worker processes, compared with a bare one-activity workflow on the same Temporal server.
 * Prints figures and a verdict on the event stream; asserts nothing. `npm run bench -- --help` for options.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../platform/config';
import { closeLingeringSockets, createKafka } from '../platform/kafka';
import { createLogger } from '../platform/logger';
import type { BareRun } from './bare-bench';
import { runBareBench } from './bare-bench';
import { Cleanup } from './cleanup';
import { parseCli } from './cli';
import type { BenchContext } from './context';
import { createIdentity } from './identity';
import { ProcessMonitor } from './process-monitor';
import { isAlive } from './proc-stats';
import { repoRoot } from './processes';
import { ratioLine, report } from './report';
import type { SagaRun } from './saga-bench';
import { runSagaBench } from './saga-bench';

/** n8n's pid from the stack's pid file, or why its CPU is not measured. */
function findN8n(): { pid: number } | { note: string } {
  const pidFile = path.join(repoRoot, '.stack', 'run', 'n8n.pid');
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return { note: 'n8n: not running (no .stack/run/n8n.pid) — its CPU is not measured' };
  }
  return Number.isInteger(pid) && pid > 0 && isAlive(pid)
    ? { pid }
    : { note: `n8n: not running (pid ${pid} of .stack/run/n8n.pid is gone) — its CPU is not measured` };
}

async function main(): Promise<number> {
  const cli = parseCli(process.argv.slice(2));
  if ('help' in cli) {
    console.log(cli.help);
    return 0;
  }
  if ('error' in cli) {
    console.error(`${cli.error}\n\nnpm run bench -- --help lists the options`);
    return 2;
  }
  const { options } = cli;

  // The benchmark's own clients stay quiet: a broker outage is reported in the results, not as log noise.
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent', LOG_FORMAT: 'json' });
  let abortReason: string | undefined;
  const cleanup = new Cleanup();
  const kafka = createKafka(config, createLogger(config, 'bench'), 'bench');
  const ctx: BenchContext = {
    options,
    config,
    id: await createIdentity(),
    kafka,
    monitor: new ProcessMonitor(),
    cleanup,
    say: (line) => console.log(line),
    aborted: () => abortReason !== undefined,
    abort: (reason) => void (abortReason ??= reason),
    abortReason: () => abortReason,
  };
  process.on('SIGINT', () => ctx.abort('interrupted (Ctrl-C)'));
  process.on('SIGTERM', () => ctx.abort('terminated'));

  const n8n = findN8n();
  if ('pid' in n8n) ctx.monitor.watch('n8n', n8n.pid, { rss: false });
  ctx.monitor.start();
  cleanup.add('stopping the process monitor', () => Promise.resolve(ctx.monitor.stop()));
  ctx.say(
    `[bench] run ${ctx.id.suffix}: API on port ${ctx.id.httpPort}, task queues ${ctx.id.orderTaskQueue}, ${ctx.id.bridgeTaskQueue}, ${ctx.id.bareTaskQueue}`,
  );

  let saga: SagaRun | undefined;
  let bare: BareRun | undefined;
  try {
    if (!options['bare-only']) {
      const mark = cleanup.mark();
      saga = await runSagaBench(ctx);
      await cleanup.run(mark);
    }
    if (!options['skip-peak'] && !ctx.aborted()) bare = await runBareBench(ctx, saga?.peak?.peak);
  } finally {
    await cleanup.run();
    closeLingeringSockets(kafka);
  }
  if (abortReason) {
    console.error(`[bench] stopped: ${abortReason}`);
    return 1;
  }
  for (const line of report({
    mix: options.mix,
    saga,
    bare,
    monitor: ctx.monitor,
    n8nNote: 'note' in n8n ? n8n.note : undefined,
  })) {
    console.log(line);
  }
  console.log(ratioLine(saga, bare));
  return 0;
}

// Exits explicitly: kafkajs keeps retry timers alive after a broker restart, which would hold the process open.
main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
