/**
 * A Druid SQL client: one POST to the broker's `/druid/v2/sql` per query, with the query's values sent
 * as parameters (never spliced into the text), exact distinct counts, and a deadline. A broker that is
 * down, slow or has no data servers throws DruidUnavailableError, which the API answers with 503; a
 * datasource that does not exist yet (no event ingested) reads as empty rather than as an error.
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
      // 4xx other than a missing datasource is a query this code got wrong: a bug, not an outage.
      if (response.status < 500) throw new Error(`Druid refused a query: ${message}`);
      throw new DruidUnavailableError(`Druid broker answered ${response.status}: ${message}`);
    },
  };
}
