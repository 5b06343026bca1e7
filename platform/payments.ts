/**
 * The payment provider client: the official Stripe client, pointed at the configured API base, so the
 * local stack's Stripe-compatible server and real Stripe differ by configuration only.
 */
import Stripe from 'stripe';
import type { AppConfig } from './config';

export function createPaymentClient(config: Pick<AppConfig, 'payments'>): Stripe {
  const base = new URL(config.payments.apiBase);
  const protocol = base.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(config.payments.secretKey, {
    host: base.hostname,
    port: base.port ? Number(base.port) : protocol === 'http' ? 80 : 443,
    protocol,
    // The saga's activity retries own the retry policy (with backoff, visible in Temporal); a client that
    // retried on its own would hide an outage inside one attempt.
    maxNetworkRetries: 0,
    timeout: 20_000,
    appInfo: { name: 'fusioncommerce-orchestrator' },
  });
}
