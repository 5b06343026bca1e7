/** The order mix: which path through the saga each order of a run is built to take. */

export const orderPaths = ['happy', 'review', 'cancel', 'short'] as const;
export type OrderPath = (typeof orderPaths)[number];
export type OrderMix = Record<OrderPath, number>;

/** What each path does, for --help and the report. */
export const pathMeaning: Record<OrderPath, string> = {
  happy: 'approved by the fraud rules, confirmed',
  review: 'held for fraud review, approved through the API as soon as order.review_required is read',
  cancel: 'held for fraud review, cancelled through the API (compensation: reservation released)',
  short: 'more units than the low-stock SKU holds: inventory.insufficient, rejected',
};

export const defaultMix = 'happy=90,review=4,cancel=3,short=3';

/** Parses "happy=90,review=4,…" (weights, not necessarily summing to 100; unnamed paths get 0). */
export function parseMix(text: string): OrderMix {
  const mix: OrderMix = { happy: 0, review: 0, cancel: 0, short: 0 };
  for (const part of text.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const match = /^([a-z]+)=(\d+(?:\.\d+)?)$/.exec(part);
    const path = match?.[1];
    if (!match || !path || !(orderPaths as readonly string[]).includes(path)) {
      throw new Error(
        `--orders-mix: "${part}" is not <path>=<weight> with path one of ${orderPaths.join(', ')}`,
      );
    }
    mix[path as OrderPath] = Number(match[2]);
  }
  if (orderPaths.every((p) => mix[p] === 0))
    throw new Error('--orders-mix: at least one weight must be positive');
  return mix;
}

/**
 * Deterministic, evenly spread picks (smooth weighted round robin): over any window the paths come up in
 * proportion to their weights, so a short step still carries its share of reviews and shortages.
 */
export function createPathPicker(mix: OrderMix): () => OrderPath {
  const total = orderPaths.reduce((sum, p) => sum + mix[p], 0);
  const current: OrderMix = { happy: 0, review: 0, cancel: 0, short: 0 };
  return () => {
    let best: OrderPath = 'happy';
    let bestValue = -Infinity;
    for (const p of orderPaths) {
      current[p] += mix[p];
      if (mix[p] > 0 && current[p] > bestValue) {
        best = p;
        bestValue = current[p];
      }
    }
    current[best] -= total;
    return best;
  };
}

/** "90% happy, 4% review, …" for the report. */
export function describeMix(mix: OrderMix): string {
  const total = orderPaths.reduce((sum, p) => sum + mix[p], 0);
  return orderPaths
    .filter((p) => mix[p] > 0)
    .map((p) => `${((100 * mix[p]) / total).toFixed(0)}% ${p}`)
    .join(', ');
}
