/** Command line of `npm run chaos`: parsed with node:util, checked with zod, explained by --help. */
import { z } from 'zod';
import type { CliResult } from '../harness/command';
import { parseCommandLine } from '../harness/command';
import type { OrderMix } from '../harness/mix';
import { orderPaths, parseMix, pathMeaning } from '../harness/mix';
import type { FaultKind } from './faults';
import { allFaultKinds, clusterFaultKinds, faultKinds, faultMeaning } from './faults';

// Every path of the saga, so each fault meets orders in review, compensation and short stock too.
export const defaultChaosMix = 'happy=85,review=5,cancel=5,short=5';

const positive = z.coerce.number().positive();
const seconds = z.coerce.number().min(0);
const Options = z.object({
  orders: z.coerce.number().int().positive().default(600),
  rate: positive.default(4),
  faults: z.string().optional(),
  shape: z.enum(['single', 'cluster']).default('single'),
  warmup: seconds.default(15),
  interval: seconds.default(15),
  down: seconds.default(5),
  drain: positive.default(180),
  'orders-mix': z.string().default(defaultChaosMix),
});

/** One process of each service on the dev stack, or two of each on the cluster profile of the stack. */
export type ChaosShape = 'single' | 'cluster';

export interface ChaosOptions {
  shape: ChaosShape;
  /** Orders offered at least; the load goes on until the last fault has been injected and recovered. */
  orders: number;
  rate: number;
  faults: FaultKind[];
  warmupS: number;
  intervalS: number;
  downS: number;
  drainS: number;
  mix: OrderMix;
}

export const usage = `Usage: npm run chaos [-- options]

Runs a steady order load through the HTTP API (its own API, order worker and bridge worker, each a child
process) and, one at a time, kill -9s a process and restarts it. After the load, once everything drained,
checks that no order was lost or stuck, that stock adds up exactly, and that every order's events on
Kafka are whole; prints a table per fault and per check. Exits 1 when any check fails.

  --orders N          orders to offer at least (default 600); the load goes on at --rate until the last
                      fault has recovered and its backlog drained
  --rate R            orders per second, open loop (default 4)
  --shape SHAPE       single (default): one API, order worker and bridge worker on the dev stack;
                      cluster: two of each on the cluster profile (STACK_PROFILE=cluster stack/up),
                      each pair split over the two Temporal frontends, the APIs behind one balancer
  --faults LIST       what to kill, in this order (default, single: ${faultKinds.join(',')}):
${faultKinds.map((f) => `                        ${f.padEnd(16)} ${faultMeaning[f]}`).join('\n')}
                      (default, cluster: ${clusterFaultKinds.join(',')}):
${clusterFaultKinds.map((f) => `                        ${f.padEnd(16)} ${faultMeaning[f]}`).join('\n')}
  --warmup S          steady load before the first fault, seconds (default 15)
  --interval S        steady load between one fault's drained backlog and the next kill (default 15)
  --down S            how long a killed process stays dead before it is restarted (default 5)
  --drain S           longest wait for a backlog to drain, per fault and after the load (default 180);
                      an order not settled by then counts as stuck
  --orders-mix MIX    weights of the order paths (default ${defaultChaosMix}):
${orderPaths.map((p) => `                        ${p.padEnd(7)} ${pathMeaning[p]}`).join('\n')}
  --help              this text
`;

const text = { type: 'string' } as const;
const argSpec = {
  orders: text,
  rate: text,
  faults: text,
  shape: text,
  warmup: text,
  interval: text,
  down: text,
  drain: text,
  'orders-mix': text,
  help: { type: 'boolean' },
} as const;

function parseFaults(list: string, shape: ChaosShape): FaultKind[] {
  const allowed: readonly FaultKind[] = shape === 'cluster' ? allFaultKinds : faultKinds;
  const faults = list
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  for (const fault of faults) {
    if (!(allowed as readonly string[]).includes(fault)) {
      throw new Error(`--faults: "${fault}" is not one of ${allowed.join(', ')} (--shape ${shape})`);
    }
  }
  return faults as FaultKind[];
}

/** Parsed options, the usage text for --help, or an error message. */
export function parseChaosCli(argv: string[]): CliResult<ChaosOptions> {
  return parseCommandLine(argv, argSpec, Options, usage, (o) => ({
    shape: o.shape,
    orders: o.orders,
    rate: o.rate,
    faults: parseFaults(
      o.faults ?? (o.shape === 'cluster' ? clusterFaultKinds : faultKinds).join(','),
      o.shape,
    ),
    warmupS: o.warmup,
    intervalS: o.interval,
    downS: o.down,
    drainS: o.drain,
    mix: parseMix(o['orders-mix']),
  }));
}
