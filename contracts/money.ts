/** Money for people to read. Free of zod: workflow code formats totals for the Temporal UI. */
export function formatMoney(minor: number, currency: string): string {
  return `${(minor / 100).toFixed(2)} ${currency}`;
}
