/** Command line of `npm run bench`: parsed with node:util, checked with zod, explained by --help. */
import { z } from 'zod';
import type { CliResult } from '../harness/command';
import { parseCommandLine } from '../harness/command';
import type { OrderMix } from '../harness/mix';
import { defaultMix, orderPaths, parseMix, pathMeaning } from '../harness/mix';

const positive = z.coerce.number().positive();
const Options = z
  .object({
    rate: positive.optional(),
    duration: positive.default(60),
    warmup: z.coerce.number().min(0).default(15),
    step: positive.default(20),
    drain: positive.default(30),
    'start-rate': positive.default(4),
    'max-rate': positive.default(1000),
    growth: z.coerce.number().gt(1).default(1.5),
    'orders-mix': z.string().default(defaultMix),
    'peak-only': z.boolean().default(false),
    'bare-only': z.boolean().default(false),
    'skip-peak': z.boolean().default(false),
    'kafka-outage': positive.optional(),
    'step-activities': z.enum(['local', 'remote']).optional(),
    payment: z.enum(['card', 'none']).default('card'),
  })
  .refine((o) => !(o['skip-peak'] && o.rate === undefined), '--skip-peak needs --rate')
  .refine((o) => !(o['peak-only'] && o['skip-peak']), '--peak-only and --skip-peak exclude each other')
  .refine((o) => !(o['bare-only'] && o['skip-peak']), '--bare-only measures a peak; it cannot --skip-peak')
  .refine(
    (o) => o['kafka-outage'] === undefined || (!o['peak-only'] && !o['bare-only']),
    '--kafka-outage happens during the latency run: not with --peak-only or --bare-only',
  );

export type BenchOptions = Omit<z.infer<typeof Options>, 'orders-mix'> & { mix: OrderMix };

export const usage = `Usage: npm run bench [-- options]

Benchmarks the order saga on the local stack through the HTTP API, and a bare one-activity workflow on
the same Temporal server. Prints figures; asserts nothing.

Without options: warm-up, peak search (saga), latency run at half the peak, warm-up and peak search of
the bare workflow, then the report; the last line is the saga/bare ratio.

  --rate R            latency run at R orders/s (default: half the saga's peak)
  --duration S        latency run length in seconds (default 60)
  --warmup S          warm-up of each workload at --start-rate, seconds (default 15; 0 skips it)
  --step S            length of one peak-search step, seconds (default 20)
  --drain S           wait for the backlog to drain after each step, at most S seconds (default 30)
  --start-rate R      first rate of the peak search (default 4)
  --max-rate R        the peak search stops at this rate (default 1000)
  --growth F          factor between peak-search steps while they hold (default 1.5)
  --orders-mix MIX    weights of the order paths (default ${defaultMix}):
${orderPaths.map((p) => `                        ${p.padEnd(7)} ${pathMeaning[p]}`).join('\n')}
  --peak-only         peak searches only, no latency run
  --bare-only         the bare workflow only (warm-up and peak search)
  --skip-peak         no peak searches (needs --rate): warm-up and latency run only
  --kafka-outage S    stop Kafka for S seconds during the latency run (bash stack/down|up kafka)
  --step-activities K local or remote: how the saga runs its database steps (SAGA_STEP_ACTIVITIES of
                      the benchmark's services; default: as configured)
  --payment P         card (default): every order carries a payment method, authorized and captured by
                      the saga on the stack's payment server; none: orders without payment
  --help              this text
`;

const text = { type: 'string' } as const;
const flag = { type: 'boolean' } as const;
const argSpec = {
  rate: text,
  duration: text,
  warmup: text,
  step: text,
  drain: text,
  'start-rate': text,
  'max-rate': text,
  growth: text,
  'orders-mix': text,
  'kafka-outage': text,
  'step-activities': text,
  payment: text,
  'peak-only': flag,
  'bare-only': flag,
  'skip-peak': flag,
  help: flag,
};

/** Parsed options, the usage text for --help, or an error message. */
export function parseCli(argv: string[]): CliResult<BenchOptions> {
  return parseCommandLine(argv, argSpec, Options, usage, ({ 'orders-mix': mixText, ...rest }) => ({
    ...rest,
    mix: parseMix(mixText),
  }));
}
