import { bundleWorkflowCode } from '@temporalio/worker';

jest.setTimeout(60_000);

const quiet = () => undefined;
const logger = { trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet, log: quiet };

describe('the workflow bundle', () => {
  // The sandbox evaluates a workflow's modules afresh for every workflow it starts: zod and the schemas
  // built on it would cost every order milliseconds of CPU (see contracts/order-message-checks.ts).
  it('carries no zod and no contract module that builds schemas', async () => {
    const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger });
    const modules = [...code.matchAll(/^\/\*\*\*\/ "([^"]+)"$/gm)].map((m) => m[1] ?? '');
    expect(modules.length).toBeGreaterThan(10);
    expect(modules.filter((m) => m.includes('node_modules/zod'))).toEqual([]);
    const contracts = modules.filter((m) => m.startsWith('./contracts/'));
    expect(contracts).toContain('./contracts/event-stamp.ts');
    for (const schemaModule of ['events', 'order', 'order-messages', 'inventory', 'order-status']) {
      expect(contracts).not.toContain(`./contracts/${schemaModule}.ts`);
    }
  });
});
