/**
 * Writes the workflow bundle to the file named by its argument. Run as a child process by the order
 * worker (workers/workflow-bundle.ts) so that webpack's memory is given back when it exits.
 */
import { writeFile } from 'node:fs/promises';
import { bundleWorkflowCode } from '@temporalio/worker';

async function main(out: string | undefined): Promise<void> {
  if (!out) throw new Error('usage: bundle-workflows <output file>');
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    // The parent logs the outcome; webpack's statistics are noise on its standard output.
    logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} },
  });
  await writeFile(out, code);
}

main(process.argv[2]).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
