/**
 * The `node` command lines of the services. `npm start` and `npm run bench` run the API and the workers as
 * the JavaScript that `npm run build` (scripts/build.sh) compiled into dist/, the order worker with the
 * workflow bundle built there too; the Docker image runs the same dist/. The tests, the chaos run and
 * the benchmark's bare worker run TypeScript sources through tsx instead.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { serviceProcessEnv } from '../platform/service-process';

const repoRoot = path.resolve(__dirname, '..');
/** Where `npm run build` writes. */
export const defaultBuildDir = path.join(repoRoot, 'dist');

/**
 * Old-space limit of each V8 heap (the main thread's, and the order worker's workflow thread's), in MB.
 * Node's default here is about 4 GB, and V8 lets the heap grow toward it before collecting hard: under
 * overload the order worker reached 300 MB RSS that way. Capped at 192 MB it peaked at 234 MB with the same
 * throughput and CPU (docs/benchmark.md). The Docker image sets the same through NODE_OPTIONS.
 */
export const SERVICE_HEAP_LIMIT_MB = 192;

export interface ServiceCommand {
  /** Arguments of `node`. */
  nodeArgs: string[];
  env: NodeJS.ProcessEnv;
}

/**
 * The compiled entry point of a service's TypeScript one (api/main.ts → dist/api/main.js) and its
 * environment: `env` with the services' memory settings and the prebuilt workflow bundle (a
 * WORKFLOW_BUNDLE already in `env` wins). Throws, naming the build, when dist/ lacks the entry point.
 */
export function builtService(
  entry: string,
  env: NodeJS.ProcessEnv,
  buildDir = defaultBuildDir,
): ServiceCommand {
  const script = path.join(buildDir, entry.replace(/\.ts$/, '.js'));
  if (!existsSync(script)) {
    throw new Error(`${path.relative(repoRoot, script)} does not exist: run \`npm run build\` first`);
  }
  return {
    nodeArgs: [`--max-old-space-size=${SERVICE_HEAP_LIMIT_MB}`, script],
    env: serviceProcessEnv({ WORKFLOW_BUNDLE: path.join(buildDir, 'workflow-bundle.js'), ...env }),
  };
}

/**
 * `node --import tsx <entry> [...args]` from the TypeScript source, with `env` and the services' memory
 * settings: no build needed, and the worker bundles its workflows at start.
 */
export function sourceService(entry: string, env: NodeJS.ProcessEnv, args: string[] = []): ServiceCommand {
  return { nodeArgs: ['--import', 'tsx', path.join(repoRoot, entry), ...args], env: serviceProcessEnv(env) };
}
