// Tests talk to the real local stack; globalSetup brings it up (or fails naming the server that did not answer).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', {}] },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  testTimeout: 60_000,
  verbose: true,
  // After the Kafka outage test restarts the broker, kafkajs keeps internal timers alive past every
  // disconnect (the 1 ms request-queue loop is fixed in platform/kafkajs-request-queue-fix.ts; a few
  // retry timers remain), which would hold the run open for minutes after the last test.
  forceExit: true,
};
