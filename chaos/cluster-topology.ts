/**
 * What the cluster-shape faults need to know about the cluster: which broker leads the order-event
 * partitions (the one worth killing: producers and the run's consumer must find the new leaders), which
 * stack server that broker is (by its port in stack/servers.txt), and when all of those partitions are
 * led by the other brokers again.
 */
import type { Admin, Kafka } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { topics } from '../contracts/topics';
import { portOf, readStackServers } from '../harness/stack-servers';

export interface LeadingBroker {
  nodeId: number;
  /** Its name in stack/servers.txt (`kafka_2`). */
  server: string;
  /** Order-event partitions it leads. */
  partitions: number;
}

export interface ClusterTopology {
  orderEventsLeader(): Promise<LeadingBroker>;
  /** Until no order-event partition is led by `nodeId`; false after `limitMs`. */
  ledWithout(nodeId: number, limitMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** The broker servers of the stack by the port they listen on. */
function brokerServersByPort(env: NodeJS.ProcessEnv): Map<number, string> {
  const byPort = new Map<number, string>();
  for (const server of readStackServers()) {
    const main = server.ports[0];
    if (/^kafka_\d+$/.test(server.name) && main) byPort.set(portOf(main, env), server.name);
  }
  return byPort;
}

export function clusterTopology(kafka: Kafka, env: NodeJS.ProcessEnv): ClusterTopology {
  let admin: Admin | undefined;
  const connected = async () => {
    if (!admin) {
      admin = kafka.admin();
      await admin.connect();
    }
    return admin;
  };

  /** Leader node id of each order-event partition, as the cluster's metadata says now. */
  async function leaders(): Promise<number[]> {
    const metadata = await (await connected()).fetchTopicMetadata({ topics: [topics.orderEvents] });
    return (metadata.topics[0]?.partitions ?? []).map((p) => p.leader);
  }

  return {
    async orderEventsLeader() {
      const counts = new Map<number, number>();
      for (const leader of await leaders()) counts.set(leader, (counts.get(leader) ?? 0) + 1);
      const [nodeId, partitions] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [];
      if (nodeId === undefined || partitions === undefined)
        throw new Error(`${topics.orderEvents} has no partition leaders`);
      const cluster = await (await connected()).describeCluster();
      const broker = cluster.brokers.find((b) => b.nodeId === nodeId);
      const server = broker ? brokerServersByPort(env).get(broker.port) : undefined;
      if (!server)
        throw new Error(`broker ${nodeId} (port ${broker?.port}) is not a server of stack/servers.txt`);
      return { nodeId, server, partitions };
    },
    async ledWithout(nodeId, limitMs) {
      const deadline = Date.now() + limitMs;
      while (Date.now() < deadline) {
        try {
          const now = await leaders();
          if (now.length > 0 && !now.includes(nodeId) && !now.includes(-1)) return true;
        } catch {
          // the admin's broker may be the dead one: kafkajs finds another on the next call
        }
        await sleep(200);
      }
      return false;
    },
    async close() {
      await admin?.disconnect();
    },
  };
}
