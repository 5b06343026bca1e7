/**
 * What the commands built on the harness share around their own work (`npm run bench`, `npm run chaos`):
 * a command line parsed with node:util and checked with zod, the answer to --help or to a bad option, and
 * the process's exit with the code their main returns.
 */
import type { ParseArgsConfig } from 'node:util';
import { parseArgs } from 'node:util';
import type { z } from 'zod';

/** Parsed options, the usage text for --help, or an error message. */
export type CliResult<T> = { options: T } | { help: string } | { error: string };

// Errors of node:util come from another realm under test runners, where `instanceof Error` fails.
const messageOf = (err: unknown) =>
  typeof err === 'object' && err !== null && 'message' in err ? String(err.message) : String(err);

/**
 * Parses `argv` by `spec` (no positionals; `--help` answers with `usage`), checks the values with `schema`
 * (an issue names its option) and turns them into the options with `build`, whose thrown message is the
 * answer too.
 */
export function parseCommandLine<S extends z.ZodType, T>(
  argv: string[],
  spec: NonNullable<ParseArgsConfig['options']>,
  schema: S,
  usage: string,
  build: (values: z.output<S>) => T,
): CliResult<T> {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: argv, strict: true, allowPositionals: false, options: spec }));
  } catch (err) {
    return { error: messageOf(err) };
  }
  if (values.help) return { help: usage };
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) =>
      i.path.length ? `--${i.path.join('.')}: ${i.message}` : i.message,
    );
    return { error: issues.join('; ') };
  }
  try {
    return { options: build(parsed.data) };
  } catch (err) {
    return { error: messageOf(err) };
  }
}

/** Prints the usage text or the error of a command line that gave no options; returns the exit code. */
export function answerCli(cli: { help: string } | { error: string }, command: string): number {
  if ('help' in cli) {
    console.log(cli.help);
    return 0;
  }
  console.error(`${cli.error}\n\n${command} -- --help lists the options`);
  return 2;
}

/**
 * Runs `main` and exits with the code it returns (1, after printing it, when it throws). Exits explicitly:
 * kafkajs keeps retry timers alive after a broker restart, which would hold the process open.
 */
export function runMain(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
