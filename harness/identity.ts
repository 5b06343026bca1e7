/**
 * Everything that makes this run separate from other runs and from a running `npm start`: its own HTTP
 * and metrics ports, task queues, API keys and the customer-id prefix its orders carry.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface BenchIdentity {
  /** Short random id of this run, in task queues, SKUs and customer ids. */
  suffix: string;
  /** Every customer id of the run starts with this, so events of other traffic are told apart. */
  customerPrefix: string;
  storefront: { name: string; secret: string };
  operator: { name: string; secret: string };
  httpPort: number;
  metricsPort: number;
  orderTaskQueue: string;
  bridgeTaskQueue: string;
  bareTaskQueue: string;
  logDir: string;
}

// High enough that the limiter never decides the offered rate; the API's own documented setting.
export const UNLIMITED_PER_MINUTE = 100_000_000;

/** A port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** `program` names the run in keys, task queues and the log folder (bench, chaos, …). */
export async function createIdentity(program = 'bench'): Promise<BenchIdentity> {
  const suffix = randomUUID().slice(0, 8);
  return {
    suffix,
    customerPrefix: `${program}-${suffix}`,
    storefront: { name: `${program}-${suffix}-storefront`, secret: randomBytes(24).toString('hex') },
    operator: { name: `${program}-${suffix}-operator`, secret: randomBytes(24).toString('hex') },
    httpPort: await freePort(),
    metricsPort: await freePort(),
    orderTaskQueue: `orders-${program}-${suffix}`,
    bridgeTaskQueue: `order-events-${program}-${suffix}`,
    bareTaskQueue: `bare-${program}-${suffix}`,
    logDir: mkdtempSync(path.join(os.tmpdir(), `fusioncommerce-${program}-${suffix}-`)),
  };
}

/** The environment of the run's services: the caller's (the stack's addresses) plus overrides. */
export function serviceEnv(id: BenchIdentity, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...base,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(id.httpPort),
    ORDER_TASK_QUEUE: id.orderTaskQueue,
    BRIDGE_TASK_QUEUE: id.bridgeTaskQueue,
    API_KEYS: [
      `${id.storefront.name}:storefront:${id.storefront.secret}`,
      `${id.operator.name}:operator:${id.operator.secret}`,
    ].join(','),
    API_RATE_LIMIT_PER_MINUTE: String(UNLIMITED_PER_MINUTE),
    // Read by bridges that expose outbox metrics; ignored by those that do not.
    BRIDGE_METRICS_PORT: String(id.metricsPort),
    // The order worker's metrics are not read by the run: any free port, never npm start's.
    ORDER_WORKER_METRICS_PORT: '0',
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
  };
}
