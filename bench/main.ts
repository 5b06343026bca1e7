/**
 * `npm run bench`: the order saga on the local stack, driven through its HTTP API by the benchmark's own
 * API and worker processes, compared with a bare one-activity workflow on the same Temporal server.
 * Prints figures and a verdict on the event stream; asserts nothing. `npm run bench -- --help` for options.
 */
import { loadConfig } from '../platform/config';
import { closeLingeringSockets, createKafka } from '../platform/kafka';
import { createLogger } from '../platform/logger';
import { answerCli, runMain } from '../harness/command';
import type { BareRun } from './bare-bench';
import { runBareBench } from './bare-bench';
import { Cleanup } from './cleanup';
import { parseCli } from './cli';
import type { BenchContext } from './context';
import { createIdentity } from '../harness/identity';
import { ProcessMonitor } from './process-monitor';
import { findStackServers } from './stack-servers';
import { ratioLine, report } from './report';
import type { SagaRun } from './saga-bench';
import { runSagaBench } from './saga-bench';

async function main(): Promise<number> {
  const cli = parseCli(process.argv.slice(2));
  if (!('options' in cli)) return answerCli(cli, 'npm run bench');
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

  // The stack's servers: CPU only (their memory is theirs to size, and Druid's JVMs reserve theirs).
  const servers = findStackServers();
  for (const server of servers.running) ctx.monitor.watch(server.name, server.pid, { rss: false });
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
    serverNotes: servers.notes,
  })) {
    console.log(line);
  }
  console.log(ratioLine(saga, bare));
  return 0;
}

runMain(main);
