/**
 * The outbox relay's backlog as the bridge worker reports it on its Prometheus endpoint
 * (`fc_outbox_pending_rows`, `fc_outbox_oldest_pending_age_seconds`), when it exposes one.
 */

export interface OutboxReading {
  pendingRows: number | undefined;
  oldestPendingAgeS: number | undefined;
}

/** Sum of the samples of one metric in Prometheus text format (undefined when the metric is absent). */
export function metricValue(text: string, name: string): number | undefined {
  let total: number | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line.trim());
    if (match?.[1] !== name) continue;
    const value = Number(match[3]);
    if (Number.isFinite(value)) total = (total ?? 0) + value;
  }
  return total;
}

export async function readOutbox(url: string): Promise<OutboxReading | { error: string }> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    if (!response.ok) return { error: `GET ${url} answered ${response.status}` };
    const text = await response.text();
    const reading = {
      pendingRows: metricValue(text, 'fc_outbox_pending_rows'),
      oldestPendingAgeS: metricValue(text, 'fc_outbox_oldest_pending_age_seconds'),
    };
    if (reading.pendingRows === undefined && reading.oldestPendingAgeS === undefined) {
      return { error: `GET ${url} has no fc_outbox_* metrics` };
    }
    return reading;
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
    return { error: `GET ${url} failed (${cause})` };
  }
}
