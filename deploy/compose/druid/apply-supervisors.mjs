// @ts-check
/* global fetch, AbortSignal -- Node's own (18+), which the lint config does not list for scripts */
/**
 * The compose file's stand-in for druid_setup in stack/servers/druid.sh: posts every Kafka supervisor
 * spec of stack/druid/supervisors to the Druid overlord (served by the coordinator), with the broker
 * address of the compose network put in where the stack puts 127.0.0.1:$KAFKA_PORT.
 *
 *   node apply-supervisors.mjs [--overlord URL] [--kafka HOST:PORT] [--reapply] SPEC_DIR
 *
 * docker-compose.yml runs it once, as the druid-supervisors service; the defaults are that file's
 * addresses. Posting a spec again restarts its ingestion tasks, so a supervisor Druid already runs is
 * left alone; after editing a spec, --reapply posts them all:
 *   docker compose run --rm druid-supervisors node /apply-supervisors.mjs --reapply /supervisors
 * The topics exist by then: the one-shot waits for the bridge worker, which creates every topic of
 * contracts/topics.ts before it reports healthy. Node's standard library only, so it runs on the plain
 * node image.
 */
import console from 'node:console';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    overlord: { type: 'string', default: 'http://druid-coordinator:8081' },
    kafka: { type: 'string', default: 'kafka:19092' },
    reapply: { type: 'boolean', default: false },
  },
});
const overlord = args.overlord;
const bootstrap = args.kafka;
const dir = positionals[0] ?? '/supervisors';
const LEADER_WAIT_MS = 180_000;

/** The overlord answers before it has taken leadership; supervisors can only be posted to the leader. */
async function awaitLeader() {
  const deadline = Date.now() + LEADER_WAIT_MS;
  for (;;) {
    try {
      const res = await fetch(`${overlord}/druid/indexer/v1/isLeader`, { signal: AbortSignal.timeout(3000) });
      if (res.ok && (await res.text()).includes('true')) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`the overlord at ${overlord} did not lead within 180 s`);
    await sleep(2000);
  }
}

/**
 * @typedef {{ spec: { dataSchema: { dataSource: string },
 *   ioConfig: { topic: string, consumerProperties: Record<string, string> } } }} SupervisorSpec
 */

/** @param {string} file @returns {Promise<SupervisorSpec>} the spec, reading from this network's Kafka */
async function readSpec(file) {
  /** @type {unknown} */
  const parsed = JSON.parse(await readFile(file, 'utf8'));
  const spec = /** @type {SupervisorSpec} */ (parsed);
  spec.spec.ioConfig.consumerProperties['bootstrap.servers'] = bootstrap;
  return spec;
}

await awaitLeader();
const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
if (files.length === 0) throw new Error(`no supervisor spec (*.json) in ${dir}`);
for (const file of files) {
  const spec = await readSpec(path.join(dir, file));
  const datasource = spec.spec.dataSchema.dataSource;
  const running = await fetch(`${overlord}/druid/indexer/v1/supervisor/${encodeURIComponent(datasource)}`);
  if (running.ok && !args.reapply) {
    console.log(`supervisor ${datasource} runs already (--reapply posts it again)`);
    continue;
  }
  const res = await fetch(`${overlord}/druid/indexer/v1/supervisor`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(spec),
  });
  if (!res.ok) throw new Error(`the overlord refused ${file}: ${res.status} ${await res.text()}`);
  console.log(`supervisor ${datasource} applied (topic ${spec.spec.ioConfig.topic}, Kafka ${bootstrap})`);
}
