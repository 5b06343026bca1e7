/** A minimal client of a run's own API: JSON in, status and JSON out, one key per call. */

export interface ApiAnswer {
  status: number;
  body: unknown;
}

// A request that takes this long is counted as failed rather than left to hang the run.
const REQUEST_TIMEOUT_MS = 30_000;

export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async request(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    secret: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiAnswer> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        'X-API-Key': secret,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON: the text itself is the most useful thing to show
    }
    return { status: response.status, body: parsed };
  }

  /** Polls a route until it answers 200, or gives up after timeoutMs. */
  async waitFor(path: string, timeoutMs: number, stillWorth: () => boolean): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && stillWorth()) {
      try {
        if ((await fetch(`${this.baseUrl}${path}`, { signal: AbortSignal.timeout(2000) })).ok) return true;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return false;
  }
}

/** The problem `code` of an error answer, or the status alone. */
export function failureCause(answer: ApiAnswer): string {
  const code =
    typeof answer.body === 'object' && answer.body !== null && 'code' in answer.body
      ? String(answer.body.code)
      : undefined;
  return code ? `${answer.status} ${code}` : `${answer.status}`;
}
