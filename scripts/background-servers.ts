/**
 * Follows the servers `stack/up` left installing in the background on a first start (n8n takes many
 * minutes): a progress line now and then, and the server's URL once its install and start are done.
 * `stack/up` names them in .stack/stack.env as STACK_BACKGROUND_<NAME>_PID, _LOG and _URL.
 */
import { existsSync, readFileSync } from 'node:fs';

export interface BackgroundServer {
  name: string;
  pid: number;
  log: string;
  url: string;
}

const PREFIX = 'STACK_BACKGROUND_';

/** The background servers named in an environment. */
export function backgroundServers(env: NodeJS.ProcessEnv): BackgroundServer[] {
  const servers: BackgroundServer[] = [];
  for (const [key, value] of Object.entries(env)) {
    const match = new RegExp(`^${PREFIX}([A-Z0-9]+)_PID$`).exec(key);
    if (!match?.[1] || !value || !/^\d+$/.test(value)) continue;
    const name = match[1];
    servers.push({
      name: name.toLowerCase(),
      pid: Number(value),
      log: env[`${PREFIX}${name}_LOG`] ?? '',
      url: env[`${PREFIX}${name}_URL`] ?? '',
    });
  }
  return servers;
}

/** The last progress line `stack/up` wrote to the log (its lines start with "[stack]"). */
export function lastProgressLine(logText: string): string | undefined {
  const lines = logText.split('\n').filter((line) => line.startsWith('[stack] '));
  return lines.at(-1)?.slice('[stack] '.length);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(3_000) })).ok;
  } catch {
    return false;
  }
}

export interface FollowOptions {
  print: (line: string) => void;
  pollMs?: number;
  progressEveryMs?: number;
  isStopping?: () => boolean;
}

/** Resolves once the server is ready or its background start ended without it answering. */
export async function followBackgroundServer(
  server: BackgroundServer,
  options: FollowOptions,
): Promise<boolean> {
  const { print, pollMs = 5_000, progressEveryMs = 60_000, isStopping = () => false } = options;
  const startedAt = Date.now();
  let lastProgressAt = startedAt;
  print(
    `[start] ${server.name}: first install, in the background (several minutes); its URL follows when it answers. Progress: ${server.log}`,
  );
  while (!isStopping()) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    // The background `up` ends after the server answered and was set up (workflows imported).
    if (!alive(server.pid)) {
      if (await answers(server.url)) {
        print(`[start] ${server.name} is ready: ${server.url}`);
        return true;
      }
      print(
        `[start] ${server.name}: its background start ended without it answering; see ${server.log}. 'npm run stack:up' tries again.`,
      );
      return false;
    }
    if (Date.now() - lastProgressAt >= progressEveryMs) {
      lastProgressAt = Date.now();
      const line = existsSync(server.log) ? lastProgressLine(readFileSync(server.log, 'utf8')) : undefined;
      const minutes = ((Date.now() - startedAt) / 60_000).toFixed(0);
      print(`[start] ${server.name}: still installing (${minutes} min)${line ? `: ${line}` : ''}`);
    }
  }
  return false;
}
