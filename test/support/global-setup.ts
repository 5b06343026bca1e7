import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

/** Brings the real stack up (a no-op when it runs) and exports its addresses to every test. */
export default function globalSetup(): void {
  // n8n is required here (npm start may run without it), and must not auto-approve other tests' held orders.
  // STACK_TEST_SERVERS (space-separated) starts only those servers: a run of a few test files on a busy
  // machine, or a second stack beside another one, need not boot n8n and Druid.
  const servers = (process.env.STACK_TEST_SERVERS ?? '').split(/\s+/).filter(Boolean);
  execFileSync('bash', [path.join(root, 'stack/up'), ...servers], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, STACK_REQUIRE_N8N: '1', REVIEW_AUTO_APPROVE_LIMIT_MINOR: '0' },
  });
  for (const line of readFileSync(path.join(root, '.stack/stack.env'), 'utf8').split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match?.[1] && match[2] !== undefined) process.env[match[1]] = match[2].replace(/^"(.*)"$/, '$1');
  }
  process.env.LOG_LEVEL ??= 'warn';
  process.env.NODE_ENV ??= 'test';
}
