/**
 * `npm run chaos`: a steady order load through the HTTP API while the order worker, the bridge worker,
 * Temporal, Kafka and PostgreSQL are killed (kill -9) and restarted one at a time; then checks that no
 * order was lost or stuck, stock adds up, and every order's events are whole. Exit code 1 when any check
 * failed. `npm run chaos -- --help` for the options.
 */
import { answerCli, runMain } from '../harness/command';
import { parseChaosCli } from './cli';
import { chaosPassed, report } from './report';
import { runChaos } from './run';

async function main(): Promise<number> {
  const cli = parseChaosCli(process.argv.slice(2));
  if (!('options' in cli)) return answerCli(cli, 'npm run chaos');
  let stopReason: string | undefined;
  process.on('SIGINT', () => {
    if (stopReason === undefined) {
      stopReason = 'interrupted (Ctrl-C)';
      console.error(
        '[chaos] stopping: restoring what was killed, then the checks (Ctrl-C again to quit now)',
      );
      return;
    }
    console.error('[chaos] quitting now: a killed server may still be down (bash stack/up brings it back)');
    process.exit(130);
  });
  process.on('SIGTERM', () => void (stopReason ??= 'terminated'));
  const result = await runChaos(cli.options, { out: process.stdout, stopRequested: () => stopReason });
  for (const line of report(result)) console.log(line);
  return chaosPassed(result) ? 0 : 1;
}

runMain(main);
