/**
 * The one place that reads the environment. Every setting is parsed once at start-up by a zod schema with
 * a local default that matches the local stack; a bad value stops the process naming the variable.
 */
import { z } from 'zod';
import { ApiRole } from '../contracts/http-auth';

const port = () => z.coerce.number().int().min(1).max(65535);
const positiveInt = () => z.coerce.number().int().positive();
const flag = () => z.enum(['true', 'false']).transform((v) => v === 'true');
const csv = () =>
  z.string().transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  );

const apiKeyEntry = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{0,63}:(storefront|operator):[\x21-\x7e]{16,256}$/,
    'expected name:role:secret (role storefront or operator, secret at least 16 printable characters)',
  );

/** Splits a validated name:role:secret entry (the secret may itself contain colons). */
function parseApiKey(entry: string) {
  const [name = '', role, ...secret] = entry.split(':');
  return { name, role: ApiRole.parse(role), secret: secret.join(':') };
}
export type ApiKey = ReturnType<typeof parseApiKey>;

/** LOCAL DEVELOPMENT ONLY: well-known keys so `npm start` works out of the box; the API refuses them in production. */
export const DEV_API_KEYS = [
  'storefront-dev:storefront:dev-storefront-key-not-secret',
  'operator-dev:operator:dev-operator-key-not-secret',
];

/** Environment variable name → schema (with default and description). The table in docs/configuration.md is generated from it. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development').describe('Runtime mode.'),
  LOG_LEVEL: z
    .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])
    .default('info')
    .describe('Minimum log level.'),
  LOG_FORMAT: z
    .enum(['json', 'pretty'])
    .optional()
    .describe('Log output; defaults to json in production and pretty elsewhere.'),

  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233').describe('Temporal frontend host:port.'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default').describe('Temporal namespace.'),
  TEMPORAL_TLS: flag().default(false).describe('Connect to Temporal over TLS (Temporal Cloud: true).'),
  TEMPORAL_API_KEY: z.string().min(1).optional().describe('Temporal Cloud API key (implies TLS).'),
  TEMPORAL_UI_URL: z
    .url()
    .default('http://127.0.0.1:8233')
    .describe('Temporal Web UI, for links printed to operators.'),
  ORDER_TASK_QUEUE: z
    .string()
    .min(1)
    .default('orders')
    .describe('Task queue of the order saga and its domain activities.'),
  BRIDGE_TASK_QUEUE: z
    .string()
    .min(1)
    .default('order-events')
    .describe('Task queue of the Kafka bridge worker (event publishing).'),
  ORDER_WORKER_CACHED_WORKFLOWS: positiveInt()
    .min(2)
    .default(100)
    .describe(
      "Open orders an order worker keeps in memory between their workflow tasks (older ones are replayed from history when needed). Set explicitly because Temporal's default is derived from the V8 heap limit: 10 under the services' 192 MB cap, which would also cap the tasks run at once at 10.",
    ),
  ORDER_WORKER_METRICS_PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65535)
    .default(9465)
    .describe(
      "Port of the order worker's Prometheus metrics (step retries and their attempt counts, divergent writes refused); 0 picks a free port.",
    ),
  WORKFLOW_BUNDLE: z
    .string()
    .min(1)
    .optional()
    .describe(
      'A workflow bundle built ahead by `npm run build` (dist/workflow-bundle.js) for the order worker to load; unset, the worker bundles workflows/ when it starts, in a child process (seconds, and about 250 MB while it runs).',
    ),

  KAFKA_BROKERS: csv()
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'expected host:port')).min(1))
    .default(['127.0.0.1:9092'])
    .describe('Comma-separated Kafka bootstrap brokers.'),
  KAFKA_CLIENT_ID: z.string().min(1).default('fusioncommerce').describe('Kafka client id prefix.'),
  KAFKA_SSL: flag().default(false).describe('Connect to Kafka over TLS.'),
  KAFKA_SASL_MECHANISM: z
    .enum(['plain', 'scram-sha-256', 'scram-sha-512'])
    .optional()
    .describe('Kafka SASL mechanism; set with KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD.'),
  KAFKA_SASL_USERNAME: z.string().min(1).optional().describe('Kafka SASL user name.'),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional().describe('Kafka SASL password.'),
  KAFKA_CONNECTION_TIMEOUT_MS: positiveInt().default(3000).describe('Kafka connection timeout.'),
  KAFKA_REQUEST_TIMEOUT_MS: positiveInt().default(30000).describe('Kafka request timeout.'),
  KAFKA_TOPIC_PARTITIONS: positiveInt().default(3).describe('Partitions for topics the services create.'),
  KAFKA_TOPIC_REPLICATION: positiveInt()
    .default(1)
    .describe('Replication factor for topics the services create.'),
  KAFKA_COMMANDS_GROUP_ID: z
    .string()
    .min(1)
    .default('fusioncommerce-order-commands')
    .describe('Consumer group of the bridge worker reading the order commands topic.'),

  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL')
    .default('postgres://fusioncommerce:fusioncommerce@127.0.0.1:54329/fusioncommerce')
    .describe('PostgreSQL (or YugabyteDB) connection URL.'),
  DATABASE_POOL_MAX: positiveInt().default(10).describe('Maximum connections per process.'),

  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'expected an smtp:// or smtps:// URL')
    .default('smtp://127.0.0.1:1025')
    .describe('SMTP server for customer notifications.'),
  STRIPE_API_BASE: z
    .url()
    .default('http://127.0.0.1:8420')
    .describe(
      'Payment provider speaking the Stripe API: the local stack runs localstripe here; production sets https://api.stripe.com.',
    ),
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_\w+$/, 'expected a Stripe secret or restricted key (sk_test_…, sk_live_…)')
    .default('sk_test_fusioncommerce_local')
    .describe('Secret key for the payment provider; the default only works with the local stack.'),
  MAIL_FROM: z
    .string()
    .min(3)
    .default('FusionCommerce <orders@fusioncommerce.local>')
    .describe('Sender of customer mail.'),
  MAILDEV_URL: z.url().optional().describe('Local mail inbox (MailDev web UI), printed by npm start.'),

  DRUID_BROKER_URL: z
    .url()
    .default('http://127.0.0.1:8082')
    .describe(
      'Apache Druid broker (SQL at /druid/v2/sql) holding the order and catalog events for analytics.',
    ),
  ANALYTICS_QUERY_TIMEOUT_MS: positiveInt()
    .default(5000)
    .describe(
      'How long an analytics route waits for Druid before it answers 503: a stopped or overloaded Druid never holds a request longer.',
    ),

  HTTP_HOST: z.string().min(1).default('127.0.0.1').describe('Address the API listens on.'),
  HTTP_PORT: port().default(3000).describe('Port the API listens on.'),
  API_KEYS: csv()
    .pipe(
      z
        .array(apiKeyEntry)
        .min(1)
        .refine(
          (keys) => new Set(keys.map((k) => k.split(':')[0])).size === keys.length,
          'key names must be unique',
        ),
    )
    .default(DEV_API_KEYS)
    .describe(
      'Comma-separated API keys as name:role:secret (role storefront or operator). The default is for local development only; the API refuses it in production.',
    ),
  API_RATE_LIMIT_PER_MINUTE: positiveInt()
    .default(600)
    .describe(
      'Requests per minute one API key (or one client address without a key) may make, counted in PostgreSQL across all API processes.',
    ),
  API_BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'expected a size such as 100kb or 1mb')
    .default('100kb')
    .describe('Largest request body the API accepts (e.g. 100kb); larger bodies get 413.'),
  API_TEMPORAL_TIMEOUT_MS: positiveInt()
    .default(10000)
    .describe(
      'Longest the API waits on Temporal for one request (start, query, update, list) before answering 503.',
    ),

  API_ORDER_QUERY_TIMEOUT_MS: positiveInt()
    .default(1500)
    .describe(
      "How long reading an order waits for its saga's status query (answered by an order worker) before it answers from the order's event log instead, so a busy or stopped worker never makes a read slow.",
    ),

  FRAUD_REVIEW_SCORE: positiveInt()
    .default(50)
    .describe('Fraud score from which an order is held for review.'),
  FRAUD_REJECT_SCORE: positiveInt().default(90).describe('Fraud score from which an order is rejected.'),
  FRAUD_HIGH_AMOUNT_MINOR: positiveInt()
    .default(50000)
    .describe('Order total (minor units) that counts as high; four times it counts as very high.'),
  FRAUD_VELOCITY_WINDOW_MINUTES: positiveInt()
    .default(60)
    .describe('Window of the orders-per-customer rule.'),
  FRAUD_VELOCITY_MAX_ORDERS: positiveInt()
    .default(3)
    .describe('Earlier orders of one customer within the window that make the velocity rule fire.'),
  FRAUD_QUANTITY_SPIKE: positiveInt().default(20).describe('Quantity on one line that counts as a spike.'),
  FRAUD_BLOCKLIST_EMAILS: csv()
    .default([])
    .describe('Comma-separated e-mail addresses or @domains whose orders are rejected.'),
  FRAUD_BLOCKLIST_ADDRESSES: csv()
    .default([])
    .describe('Comma-separated address fragments (e.g. "1 Fraud Street 12345") whose orders are rejected.'),
  ORDER_REVIEW_TIMEOUT_MINUTES: positiveInt()
    .default(1440)
    .describe('How long a held order waits for a review decision before it is rejected.'),
  ORDER_STALLED_AFTER_MINUTES: positiveInt()
    .default(5)
    .describe(
      'How long an order may go unsettled (from its start, or from its review decision when it was held) before the stalled-order watchdog lists it, counts it on /metrics and raises order.stalled. Orders waiting for a review are left aside.',
    ),
  NOTIFICATION_MAX_ATTEMPTS: positiveInt()
    .default(8)
    .describe('Delivery attempts of a customer mail before giving up.'),
  SAGA_STEP_ACTIVITIES: z
    .enum(['local', 'remote'])
    .default('local')
    .describe(
      'How new sagas run their database steps: local activities (measured faster) or regular (remote) ones, for comparison.',
    ),

  OUTBOX_BATCH_SIZE: positiveInt()
    .max(10000)
    .default(500)
    .describe('Most outbox events the relay publishes to Kafka in one batch.'),
  OUTBOX_POLL_INTERVAL_MS: positiveInt()
    .default(1000)
    .describe(
      'How often the relay looks for unpublished events when no notification woke it (also how often a standby relay tries to take over).',
    ),
  OUTBOX_RETENTION_HOURS: positiveInt()
    .default(24)
    .describe(
      'How long published events stay in the outbox (for inspection and replay) before they are pruned.',
    ),
  BRIDGE_METRICS_PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65535)
    .default(9464)
    .describe("Port of the bridge worker's Prometheus metrics (relay lag); 0 picks a free port."),

  CRASH_POINTS: csv()
    .pipe(
      z.array(
        z
          .string()
          .regex(
            /^[a-zA-Z][\w.:-]*@(\*|[\w.:-]+)$/,
            'expected point@key (e.g. commitInventory@<orderId>, or point@* for any key)',
          ),
      ),
    )
    .default([])
    .describe(
      'Crash tests only, refused in production: comma-separated point@key pairs at which the process kills itself (SIGKILL) the moment it reaches them, e.g. an activity name and an order id (right after the step committed).',
    ),

  SHUTDOWN_GRACE_MS: positiveInt()
    .default(10000)
    .describe('How long a process waits for in-flight work on SIGTERM.'),
});

export type Env = z.infer<typeof envSchema>;

/** Structured settings the rest of the code receives (never process.env). */
export type AppConfig = ReturnType<typeof toAppConfig>;

function toAppConfig(env: Env) {
  return {
    env: env.NODE_ENV,
    log: {
      level: env.LOG_LEVEL,
      format: env.LOG_FORMAT ?? (env.NODE_ENV === 'production' ? 'json' : 'pretty'),
    },
    temporal: {
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      tls: env.TEMPORAL_TLS || env.TEMPORAL_API_KEY !== undefined,
      apiKey: env.TEMPORAL_API_KEY,
      uiUrl: env.TEMPORAL_UI_URL,
      orderTaskQueue: env.ORDER_TASK_QUEUE,
      bridgeTaskQueue: env.BRIDGE_TASK_QUEUE,
      workflowBundle: env.WORKFLOW_BUNDLE,
      cachedWorkflows: env.ORDER_WORKER_CACHED_WORKFLOWS,
      orderWorkerMetricsPort: env.ORDER_WORKER_METRICS_PORT,
    },
    kafka: {
      brokers: env.KAFKA_BROKERS,
      clientId: env.KAFKA_CLIENT_ID,
      ssl: env.KAFKA_SSL,
      sasl:
        env.KAFKA_SASL_MECHANISM && env.KAFKA_SASL_USERNAME && env.KAFKA_SASL_PASSWORD
          ? {
              mechanism: env.KAFKA_SASL_MECHANISM,
              username: env.KAFKA_SASL_USERNAME,
              password: env.KAFKA_SASL_PASSWORD,
            }
          : undefined,
      connectionTimeoutMs: env.KAFKA_CONNECTION_TIMEOUT_MS,
      requestTimeoutMs: env.KAFKA_REQUEST_TIMEOUT_MS,
      topicPartitions: env.KAFKA_TOPIC_PARTITIONS,
      topicReplication: env.KAFKA_TOPIC_REPLICATION,
      commandsGroupId: env.KAFKA_COMMANDS_GROUP_ID,
    },
    database: { url: env.DATABASE_URL, poolMax: env.DATABASE_POOL_MAX },
    mail: { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, inboxUrl: env.MAILDEV_URL },
    payments: { apiBase: env.STRIPE_API_BASE, secretKey: env.STRIPE_SECRET_KEY },
    analytics: { brokerUrl: env.DRUID_BROKER_URL, timeoutMs: env.ANALYTICS_QUERY_TIMEOUT_MS },
    http: { host: env.HTTP_HOST, port: env.HTTP_PORT },
    api: {
      keys: env.API_KEYS.map(parseApiKey),
      /** True while one of the well-known local development keys is in use. */
      devKeys: env.API_KEYS.some((k) => DEV_API_KEYS.includes(k)),
      rateLimitPerMinute: env.API_RATE_LIMIT_PER_MINUTE,
      bodyLimit: env.API_BODY_LIMIT.toLowerCase(),
      temporalTimeoutMs: env.API_TEMPORAL_TIMEOUT_MS,
      orderQueryTimeoutMs: env.API_ORDER_QUERY_TIMEOUT_MS,
    },
    fraud: {
      reviewScore: env.FRAUD_REVIEW_SCORE,
      rejectScore: env.FRAUD_REJECT_SCORE,
      highAmountMinor: env.FRAUD_HIGH_AMOUNT_MINOR,
      velocityWindowMinutes: env.FRAUD_VELOCITY_WINDOW_MINUTES,
      velocityMaxOrders: env.FRAUD_VELOCITY_MAX_ORDERS,
      quantitySpike: env.FRAUD_QUANTITY_SPIKE,
      blocklistEmails: env.FRAUD_BLOCKLIST_EMAILS.map((e) => e.toLowerCase()),
      blocklistAddresses: env.FRAUD_BLOCKLIST_ADDRESSES,
    },
    saga: {
      reviewTimeoutMs: env.ORDER_REVIEW_TIMEOUT_MINUTES * 60_000,
      stalledAfterMs: env.ORDER_STALLED_AFTER_MINUTES * 60_000,
      notificationMaxAttempts: env.NOTIFICATION_MAX_ATTEMPTS,
      stepActivities: env.SAGA_STEP_ACTIVITIES,
    },
    outbox: {
      batchSize: env.OUTBOX_BATCH_SIZE,
      pollIntervalMs: env.OUTBOX_POLL_INTERVAL_MS,
      retentionMs: env.OUTBOX_RETENTION_HOURS * 3_600_000,
      metricsPort: env.BRIDGE_METRICS_PORT,
    },
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    crashPoints: env.CRASH_POINTS,
  };
}

/** Thrown when an environment variable holds a value the schema refuses; the message names each variable. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

// A typo in a secret must not print the secret to the start-up log.
const secretVariables = new Set(['API_KEYS', 'TEMPORAL_API_KEY', 'KAFKA_SASL_PASSWORD', 'STRIPE_SECRET_KEY']);

/** Parses the given environment (default: the process's). Empty strings count as unset. */
export function loadConfig(source: Record<string, string | undefined> = process.env): AppConfig {
  const relevant: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = source[key];
    if (value !== undefined && value !== '') relevant[key] = value;
  }
  const result = envSchema.safeParse(relevant);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? '(environment)');
        const shown = secretVariables.has(name) ? '"[redacted]"' : JSON.stringify(relevant[name] ?? '');
        return `${name}=${shown}: ${issue.message}`;
      }),
    );
  }
  const env = result.data;
  if (env.NODE_ENV === 'production' && env.CRASH_POINTS.length > 0) {
    throw new ConfigError(['CRASH_POINTS: crash points are for crash tests and refused in production']);
  }
  if (env.KAFKA_SASL_MECHANISM && !(env.KAFKA_SASL_USERNAME && env.KAFKA_SASL_PASSWORD)) {
    throw new ConfigError(['KAFKA_SASL_MECHANISM: needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD']);
  }
  return toAppConfig(env);
}

/** For process entry points: parse or exit(1) with the message (no stack trace for a typo in an env var). */
export function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
