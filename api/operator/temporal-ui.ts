/** Links into the Temporal UI (TEMPORAL_UI_URL) for operators. */
import type { AppConfig } from '../../platform/config';

/** The page of one workflow run's history, or undefined when no UI address is configured. */
export function temporalUiRunUrl(
  temporal: Pick<AppConfig['temporal'], 'uiUrl' | 'namespace'>,
  workflowId: string,
  runId: string,
): string | undefined {
  const base = temporal.uiUrl?.replace(/\/+$/, '');
  if (!base) return undefined;
  return `${base}/namespaces/${encodeURIComponent(temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}/${encodeURIComponent(runId)}/history`;
}
