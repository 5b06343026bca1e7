/** Kafka client factory: SASL/TLS are configuration, and kafkajs logs go through the service logger. */
import net from 'node:net';
import tls from 'node:tls';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import './kafkajs-request-queue-fix';
import type { Admin, ISocketFactory, KafkaConfig, LogEntry, Producer } from 'kafkajs';
import type { AppConfig } from './config';
import type { Logger } from './logger';

function kafkaLogCreator(logger: Logger) {
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, ...extra } = log;
      const fields = { ...extra, component: 'kafkajs' };
      // kafkajs logs retriable broker responses (coordinator loading, leader moves) as errors and then
      // retries them; a failure that matters reaches the caller as an exception, so these are warnings.
      if (level === logLevel.ERROR || level === logLevel.WARN) logger.warn(fields, message);
      else if (level === logLevel.INFO) logger.debug(fields, message);
      else logger.trace(fields, message);
    };
}

// Every socket each client opened, so that closing the client can close what kafkajs forgets: a consumer
// disconnected after a broker restart keeps one socket open (and the process alive) otherwise.
const socketsByClient = new WeakMap<Kafka, Set<net.Socket>>();

/** kafkajs's default socket factory (keep-alive, SNI for host names), recording each socket it opens. */
function trackingSocketFactory(sockets: Set<net.Socket>): ISocketFactory {
  return ({ host, port, ssl, onConnect }) => {
    const socket = ssl
      ? tls.connect({ host, port, ...(net.isIP(host) ? {} : { servername: host }), ...ssl }, onConnect)
      : net.connect({ host, port }, onConnect);
    socket.setKeepAlive(true, 60_000);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    return socket;
  };
}

/** Closes sockets a client still holds after its producers, consumers and admins were disconnected. */
export function closeLingeringSockets(kafka: Kafka): number {
  const sockets = socketsByClient.get(kafka);
  if (!sockets) return 0;
  const lingering = [...sockets];
  for (const socket of lingering) socket.destroy();
  sockets.clear();
  return lingering.length;
}

export function createKafka(config: Pick<AppConfig, 'kafka'>, logger: Logger, clientSuffix: string): Kafka {
  const { kafka } = config;
  const sockets = new Set<net.Socket>();
  const options: KafkaConfig = {
    clientId: `${kafka.clientId}-${clientSuffix}`,
    brokers: kafka.brokers,
    ssl: kafka.ssl,
    connectionTimeout: kafka.connectionTimeoutMs,
    requestTimeout: kafka.requestTimeoutMs,
    logLevel: logLevel.INFO,
    logCreator: kafkaLogCreator(logger),
    socketFactory: trackingSocketFactory(sockets),
  };
  if (kafka.sasl) {
    const { mechanism, username, password } = kafka.sasl;
    options.sasl = { mechanism, username, password } as KafkaConfig['sasl'];
  }
  const client = new Kafka(options);
  socketsByClient.set(client, sockets);
  return client;
}

/** Creates the topics if they are missing; existing topics are left as they are. */
export async function ensureTopics(
  kafka: Kafka,
  config: Pick<AppConfig, 'kafka'>,
  topics: readonly string[],
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: config.kafka.topicPartitions,
          replicationFactor: config.kafka.topicReplication,
        })),
      });
    } catch (err) {
      // With several brokers, kafkajs's wait for the new leaders can ask a broker that has not learnt of
      // the topics yet, which answers "does not host this topic-partition": created, not yet known
      // everywhere. The wait below is the one that decides.
      if (!isUnknownTopic(err)) throw err;
    }
    await untilLed(admin, missing);
  } finally {
    await admin.disconnect();
  }
}

const isUnknownTopic = (err: unknown) =>
  typeof err === 'object' && err !== null && 'type' in err && err.type === 'UNKNOWN_TOPIC_OR_PARTITION';

const TOPIC_LEADERS_TIMEOUT_MS = 30_000;

/** Until every partition of the topics has a leader in the cluster's metadata. */
async function untilLed(admin: Admin, topics: string[]): Promise<void> {
  const deadline = Date.now() + TOPIC_LEADERS_TIMEOUT_MS;
  for (;;) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics });
      const led = metadata.topics.every(
        (t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0),
      );
      if (led && metadata.topics.length === topics.length) return;
    } catch (err) {
      if (!isUnknownTopic(err)) throw err;
    }
    if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')} have no leaders after 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * How the services' producers pick a message's partition (the Java client's murmur2 of the key): the
 * outbox relay assigns partitions itself with it to know where each event lands (workers/event-placement.ts).
 */
export const keyPartitioner = Partitioners.DefaultPartitioner;

/**
 * An idempotent producer (acks=all is set per send): a retried send never duplicates a message within
 * the producer session, and one in-flight request keeps a key's messages in order.
 */
export function createIdempotentProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: keyPartitioner,
  });
}
