/**
 * Runs the API and both workers as separate processes (as in production), restarts one that crashes,
 * prints where everything is, and stops them cleanly on Ctrl-C. The local stack keeps running until `npm run stack:down`.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { loadConfigOrExit } from '../platform/config';
import { backgroundServers, followBackgroundServer } from './background-servers';
import { restartDelayMs } from './restart-backoff';
import { builtService } from './service-commands';

const root = path.resolve(__dirname, '..');
const config = loadConfigOrExit();

const single = [
  { name: 'api', entry: 'api/main.ts', env: {} },
  { name: 'order-worker', entry: 'workers/order-worker-main.ts', env: {} },
  { name: 'bridge-worker', entry: 'workers/bridge-worker-main.ts', env: {} },
];

/**
 * On the cluster profile (its env file names a second Temporal frontend), every service runs twice, as
 * in production: the -a ones on node A's frontend and the configured ports, the -b ones on node B's and
 * the next ports. A load balancer would sit in front of the two APIs (docs/cluster.md).
 */
const nodeB = process.env.TEMPORAL_ADDRESS_B;
const nextPort = (port: number) => String(port + 1);
// The metrics ports of the two workers are adjacent (9565, 9564 on the cluster profile): the -b ones go
// further up, clear of both.
const pairedMetricsPort = (port: number) => String(port + 10);
const services = nodeB
  ? single.flatMap((service) => [
      { ...service, name: `${service.name}-a` },
      {
        ...service,
        name: `${service.name}-b`,
        env: {
          TEMPORAL_ADDRESS: nodeB,
          HTTP_PORT: nextPort(config.http.port),
          ORDER_WORKER_METRICS_PORT: pairedMetricsPort(config.temporal.orderWorkerMetricsPort),
          BRIDGE_METRICS_PORT: pairedMetricsPort(config.outbox.metricsPort),
        },
      },
    ])
  : single;

const children = new Map<string, ChildProcess>();
let stopping = false;

// A crashed service is restarted after a wait from scripts/restart-backoff.ts: doubling while it crashes
// soon after each start, back to the shortest after a healthy run. The other services keep running
// meanwhile: a worker crash must not become an API outage.
function run(service: (typeof services)[number], lastDelayMs?: number): void {
  const startedAt = Date.now();
  const built = builtService(service.entry, { ...process.env, ...service.env });
  const child = spawn(process.execPath, built.nodeArgs, { cwd: root, stdio: 'inherit', env: built.env });
  children.set(service.name, child);
  child.on('exit', (code, signal) => {
    children.delete(service.name);
    if (stopping) {
      if (children.size === 0) {
        console.log(
          '[start] services stopped. The local stack is still running: `npm run stack:down` stops it.',
        );
        process.exit(process.exitCode ?? 0);
      }
      return;
    }
    const wait = restartDelayMs(lastDelayMs, Date.now() - startedAt);
    console.error(
      `[start] ${service.name} exited (${signal ?? `code ${code}`}); restarting it in ${wait / 1000} s (the other services keep running)`,
    );
    setTimeout(() => {
      if (!stopping) run(service, wait);
    }, wait);
  });
}

for (const service of services) run(service);

function stopAll(exitCode: number): void {
  if (stopping) return;
  stopping = true;
  process.exitCode = exitCode;
  if (children.size === 0) process.exit(exitCode);
  for (const child of children.values()) child.kill('SIGTERM');
}

process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

async function waitForApi(): Promise<boolean> {
  const url = `http://${config.http.host}:${config.http.port}/healthz`;
  for (let attempt = 0; attempt < 120 && !stopping; attempt++) {
    try {
      if ((await fetch(url)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}

/** The n8n of the local stack (optional there): its URL is in .stack/stack.env only while it runs. */
async function n8nUrl(): Promise<string | undefined> {
  const url = process.env.N8N_URL;
  if (!url) return undefined;
  try {
    return (await fetch(`${url}/healthz`)).ok ? url : undefined;
  } catch {
    return undefined;
  }
}

const background = backgroundServers(process.env);

/**
 * The dashboard's address. With the built-in development keys it carries the development operator key in
 * its fragment (never sent to the server), so the link opens signed in; with real keys the page asks.
 */
function dashboardUrl(api: string): string {
  const operator = config.api.devKeys ? config.api.keys.find((key) => key.role === 'operator') : undefined;
  return `${api}/dashboard${operator ? `#key=${encodeURIComponent(operator.secret)}` : ''}  (order timelines at /dashboard/orders/{orderId})`;
}

void Promise.all([waitForApi(), n8nUrl()]).then(([up, n8n]) => {
  if (!up) return;
  const api = `http://${config.http.host}:${config.http.port}`;
  const lines = [
    '',
    'FusionCommerce Orchestrator is running:',
    `  API            ${api}${nodeB ? ` and http://${config.http.host}:${nextPort(config.http.port)} (two replicas)` : ''}`,
    `  API docs       ${api}/docs`,
    `  Dashboard      ${dashboardUrl(api)}`,
    `  Temporal UI    ${config.temporal.uiUrl}/namespaces/${config.temporal.namespace}/workflows`,
    ...(config.mail.inboxUrl ? [`  Mail inbox     ${config.mail.inboxUrl}`] : []),
    `  Kafka          ${config.kafka.brokers.join(',')}`,
    n8n
      ? `  n8n            ${n8n}`
      : background.some((server) => server.name === 'n8n')
        ? '  n8n            installing in the background; its URL follows when it answers'
        : '  n8n            not running (see the stack/up output for why)',
    ...(process.env.INBOX_URL
      ? [`  Webhook inbox  ${process.env.INBOX_URL} (what n8n's workflows post)`]
      : []),
    ...(process.env.STRIPE_API_BASE
      ? [`  Payments       ${process.env.STRIPE_API_BASE} (localstripe: Stripe's API, no UI)`]
      : []),
    '',
    'Ctrl-C stops the API and the workers; the local stack keeps running until `npm run stack:down`.',
    '',
  ];
  console.log(lines.join('\n'));
  for (const server of background) {
    void followBackgroundServer(server, { print: (line) => console.log(line), isStopping: () => stopping });
  }
});
