/**
 * Schemathesis fuzzes the API through its served /openapi.json, with every check and all phases (examples,
 * coverage, fuzzing, stateful), once with a storefront key and once with an operator key: no 5xx, every
 * answer as the document says (status, body, headers), 405 with Allow for methods a path does not answer,
 * malformed input refused with a 4xx, and (test/fuzz/hooks.py) every 4xx within one second.
 *
 * The sagas run in a Temporal namespace of their own on a fixed task queue, so the orders the fuzzer
 * finds by listing are its own, and a worker of the next run finishes whatever one run left.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { buildOpenApiDocument } from '../../api/http/openapi';
import { startApiHarness, testKeys } from '../support/api-harness';
import type { ApiHarness } from '../support/api-harness';

const root = path.resolve(__dirname, '../..');
const fuzzDir = path.join(root, 'test/fuzz');
// Fuzzing and the stateful phase repeat until their budget is spent: this bounds each run.
const SECONDS_PER_KEY = Number(process.env.FUZZ_SECONDS_PER_KEY ?? 45);

jest.setTimeout((SECONDS_PER_KEY * 2 + 240) * 1000);

let api: ApiHarness;
let server: Server;
let baseUrl: string;
let st: string;
const documentedOperations = Object.values(
  buildOpenApiDocument().paths as Record<string, Record<string, unknown>>,
).reduce((n, methods) => n + Object.keys(methods).length, 0);
// Schemathesis leaves one operation out of a whole-document run: GET /docs (its output lists every other,
// the dashboard pages included).
const fuzzedOperations = documentedOperations - 1;

beforeAll(async () => {
  st = execFileSync('bash', [path.join(root, 'scripts/ensure-schemathesis.sh')], { encoding: 'utf8' }).trim();
  api = await startApiHarness((c) => ({
    ...c,
    temporal: {
      ...c.temporal,
      namespace: 'api-fuzzing',
      orderTaskQueue: 'orders-api-fuzzing',
      bridgeTaskQueue: 'order-events-api-fuzzing',
    },
  }));
  server = api.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await api?.stop();
});

interface FuzzRun {
  code: number | null;
  output: string;
}

function fuzz(apiKey: string): Promise<FuzzRun> {
  const args = [
    '--config-file',
    path.join(fuzzDir, 'schemathesis.toml'),
    'run',
    `${baseUrl}/openapi.json`,
    '--checks',
    'all',
    '--phases',
    'examples,coverage,fuzzing,stateful',
    '--header',
    `X-API-Key: ${apiKey}`,
    '--max-time',
    String(SECONDS_PER_KEY),
    '--request-timeout',
    '20',
    '--workers',
    '2',
    '--no-color',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(st, args, {
      cwd: fuzzDir,
      env: { ...process.env, SCHEMATHESIS_HOOKS: 'hooks', PYTHONPATH: fuzzDir, NO_COLOR: '1' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/**
 * Schemathesis's own summary (failures, then the totals), printed with the test run. Its `=== X ===`
 * banners become `--- X ---`: they look like pytest's closing line, and a CI log reader must take Jest's
 * result for the run's, not the last banner of a tool the run called.
 */
function summary(output: string): string {
  const start = output.search(/=+ (FAILURES|ERRORS|SUMMARY) =+/);
  const tail = start >= 0 ? output.slice(start) : output.slice(-4000);
  return tail.replace(/^=+ (.*?) =+$/gm, '--- $1 ---');
}

describe('API fuzzing against the served OpenAPI document', () => {
  it.each([
    ['storefront', testKeys.storefront],
    ['operator', testKeys.operator],
  ])('finds nothing with a %s key', async (role, key) => {
    const run = await fuzz(key);
    process.stdout.write(`\n----- Schemathesis, ${role} key -----\n${summary(run.output)}\n`);
    // The run must have tested every operation: an unreachable document would also "find nothing".
    expect(run.output).toMatch(
      new RegExp(`Operations: +${fuzzedOperations} selected / ${fuzzedOperations} total`),
    );
    expect(run.output).toMatch(new RegExp(`Tested: ${fuzzedOperations}\\b`));
    expect(run.code).toBe(0);
  });
});
