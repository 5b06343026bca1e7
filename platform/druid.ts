/**
 * A Druid SQL client: one POST to the broker's `/druid/v2/sql` per query, with the query's values sent
 * as parameters (never spliced into the text), exact distinct counts, and a deadline. A broker that is
 * down, slow or has no data servers throws DruidUnavailableError, which the API answers with 503; a
 * datasource that does not exist yet (no event ingested), or a column the broker has not seen in any
 * segment yet, reads as empty rather than as an error.
 */
export type SqlValue = string | number;

export interface DruidSql {
  query<Row>(sql: string, parameters?: readonly SqlValue[]): Promise<Row[]>;
}

export class DruidUnavailableError extends Error {
  override readonly name = 'DruidUnavailableError';
}

export interface DruidSqlOptions {
  brokerUrl: string;
  timeoutMs: number;
}

interface DruidErrorBody {
  errorMessage?: string;
  error?: string;
}

function parameter(value: SqlValue) {
  return typeof value === 'number'
    ? { type: Number.isInteger(value) ? 'BIGINT' : 'DOUBLE', value }
    : { type: 'VARCHAR', value };
}

export function createDruidSql({ brokerUrl, timeoutMs }: DruidSqlOptions): DruidSql {
  const url = new URL('/druid/v2/sql', brokerUrl).toString();
  return {
    async query<Row>(sql: string, parameters: readonly SqlValue[] = []): Promise<Row[]> {
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            query: sql,
            parameters: parameters.map(parameter),
            resultFormat: 'object',
            // Exact COUNT(DISTINCT): the figures deduplicate redelivered events by id, and must match the
            // database's counts, not approximate them.
            context: { sqlTimeZone: 'Etc/UTC', useApproximateCountDistinct: false, timeout: timeoutMs },
          }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        throw new DruidUnavailableError(
          `Druid broker ${brokerUrl} did not answer: ${(err as Error).message}`,
          {
            cause: err,
          },
        );
      }
      if (response.ok) return (await response.json()) as Row[];
      const body = (await response.json().catch(() => ({}))) as DruidErrorBody;
      const message = body.errorMessage ?? body.error ?? `HTTP ${response.status}`;
      if (/^Object '[^']+' not found/.test(message)) return [];
      // The broker learns a datasource's columns from its segments, on a refresh period: on a new stack,
      // a column (the order's JSON `lines`) is unknown until events carrying it are indexed and announced.
      // Until then no event has it, which is an empty answer, as for a missing datasource.
      if (/^Column '[^']+' not found in any table/.test(message)) return [];
      // Any other 4xx is a query this code got wrong: a bug, not an outage.
      if (response.status < 500) throw new Error(`Druid refused a query: ${message}`);
      throw new DruidUnavailableError(`Druid broker answered ${response.status}: ${message}`);
    },
  };
}
