/**
 * Ends a Jest run with one plain line, `tests: N passed, N failed, N skipped`: the form a CI log reader
 * takes as a test runner's closing line in any language. Jest's own summary ("Tests: 174 passed, 174
 * total") is not one of the forms such readers know, and other tools' output printed during the run
 * (Schemathesis prints pytest-style banners) must not be taken for the result.
 */
const { writeSync } = require('node:fs');

class ClosingLineReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests } = results;
    const skipped = numPendingTests + numTodoTests;
    const line = `tests: ${numPassedTests} passed, ${numFailedTests} failed, ${skipped} skipped`;
    // At exit, so it comes after Jest's own summary, which other reporters print in this same hook.
    // A synchronous write: Jest ends the process right after, before a buffered write would be flushed.
    process.once('exit', () => writeSync(1, `${line}\n`));
  }
}

module.exports = ClosingLineReporter;
