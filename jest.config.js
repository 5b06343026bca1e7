// Two tiers. `unit` needs no server (pure functions, and workflows on Temporal's time-skipping test server
// with fake steps, which each test file starts itself), so `npm run test:unit` runs it without the local
// stack. `stack` talks to the real servers; its globalSetup brings the stack up (or fails naming the
// server that did not answer), and only when at least one of its tests is selected.
/** Folders of the unit tier: nothing in them may reach a server it did not start. */
const unitFolders = ['<rootDir>/test/unit/', '<rootDir>/test/workflows/'];

const shared = {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', {}] },
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    { ...shared, displayName: 'unit', roots: unitFolders },
    {
      ...shared,
      displayName: 'stack',
      roots: ['<rootDir>/test'],
      // test/cluster/ needs the cluster profile of the stack: `npm run test:cluster` runs it (its own config).
      testPathIgnorePatterns: ['/node_modules/', ...unitFolders, '<rootDir>/test/cluster/'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
    },
  ],
  // Global only (Jest 29 has no per-project timeout): the stack tier's saga tests need it.
  testTimeout: 60_000,
  verbose: true,
  reporters: ['default', '<rootDir>/test/support/closing-line-reporter.js'],
  // After the Kafka outage test restarts the broker, kafkajs keeps internal timers alive past every
  // disconnect (the 1 ms request-queue loop is fixed in platform/kafkajs-request-queue-fix.ts; a few
  // retry timers remain), which would hold the run open for minutes after the last test.
  forceExit: true,
};
