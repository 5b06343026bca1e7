import { bundleWorkflowCode } from '@temporalio/worker';

const noop = () => undefined;
const silentBundlerLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };

let bundle: Promise<{ code: string }> | undefined;
/** The order worker's workflow bundle; bundling takes seconds, so a test file does it once. */
export function workflowBundle(): Promise<{ code: string }> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: silentBundlerLogger,
  });
  return bundle;
}
