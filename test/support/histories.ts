import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

export const historiesDir = path.resolve(__dirname, '../fixtures/histories');

/**
 * Saves the workflow's history as a replay fixture when RECORD_HISTORIES=1, so a saga change that
 * breaks determinism fails the replay test. Recording is a deliberate act: re-record after an intended,
 * versioned change, never to make a failing replay pass.
 */
export async function recordHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  mkdirSync(historiesDir, { recursive: true });
  // Failure stack traces carry absolute paths of the recording machine; fixtures keep repo-relative ones.
  const root = `${path.resolve(__dirname, '../..')}${path.sep}`;
  const json = historyToJSON(await handle.fetchHistory())
    .split(root)
    .join('');
  writeFileSync(path.join(historiesDir, `${name}.json`), json);
}

/**
 * Recorded histories of one saga generation: the current one (top folder) or an earlier one kept in a
 * sub-folder (`before-outbox/`: sagas started before the outbox must still replay).
 */
export function loadHistories(generation = ''): { name: string; history: unknown }[] {
  const dir = path.join(historiesDir, generation);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({
      name: f.replace(/\.json$/, ''),
      history: JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as unknown,
    }));
}
