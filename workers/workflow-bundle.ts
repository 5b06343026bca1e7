/**
 * The order worker's workflow bundle: prebuilt by `npm run build` (WORKFLOW_BUNDLE), or else built in a
 * short-lived child process when the worker starts. Bundling in the worker itself
 * (Worker.create's workflowsPath) loads webpack into it and leaves the worker about 180 MB larger for
 * its whole life; a child process returns that memory when it exits.
 */
import { execFile } from 'node:child_process';
import { access, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

export interface BuiltBundle {
  codePath: string;
  /** Removes the bundle's temporary folder. */
  remove(): Promise<void>;
}

export async function buildWorkflowBundle(): Promise<BuiltBundle> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fusioncommerce-workflows-'));
  const codePath = path.join(dir, 'workflows.js');
  // Same Node, loader flags (--import tsx) and file kind (.ts from source, .js when compiled) as this process.
  await promisify(execFile)(
    process.execPath,
    [...process.execArgv, path.join(__dirname, `bundle-workflows${path.extname(__filename)}`), codePath],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  return { codePath, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * The absolute path of a prebuilt bundle, checked before the worker starts so that a missing build is
 * named at once instead of failing inside the worker's first workflow task.
 */
export async function prebuiltBundle(file: string): Promise<string> {
  const codePath = path.resolve(file);
  try {
    await access(codePath);
  } catch {
    throw new Error(
      `WORKFLOW_BUNDLE names ${codePath}, which does not exist: run \`npm run build\` first, or unset WORKFLOW_BUNDLE to bundle at start`,
    );
  }
  return codePath;
}
