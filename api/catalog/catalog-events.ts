/**
 * Catalog events (`product.created`), validated against the contract. They are not sent from here: the
 * catalog store writes each one to the outbox in the transaction that creates the product
 * (catalog-store.ts), and the bridge worker's relay publishes it on `fusioncommerce.catalog-events.v1`,
 * key = SKU (contracts/topics.ts), like every other domain event.
 */
import { ProductCreated } from '../../contracts/events';
import type { Product } from '../../contracts/http-catalog';

export const CATALOG_EVENT_SOURCE = '/fusioncommerce/catalog';

/** The outbox id of a product's `product.created`: one per SKU, since a SKU is created once. */
export const productCreatedEventId = (sku: string) => `product-${sku}:created`;

/**
 * The event for a new product. Its id depends only on the SKU, so a retried create (or a relay sending
 * it again) carries the same id, and the outbox's primary key admits it once.
 *
 * No `sequence`, unlike an order's events: a product has exactly one catalog event, so there is nothing
 * to number, and a consumer (Druid's `catalog_events`) reads none. The outbox relay still keeps a key's
 * events in the order they were written (one reader in position order, one idempotent producer, the
 * partition of the SKU), so should a product ever get more events (product.updated …), the per-SKU order
 * holds on the wire; only a consumer that must detect gaps would then need a per-SKU sequence.
 */
export function productCreatedEvent(product: Product): ProductCreated {
  return ProductCreated.parse({
    specversion: '1.0',
    id: productCreatedEventId(product.sku),
    source: CATALOG_EVENT_SOURCE,
    type: 'product.created',
    subject: product.sku,
    time: product.createdAt,
    datacontenttype: 'application/json',
    data: {
      sku: product.sku,
      name: product.name,
      priceMinor: product.priceMinor,
      currency: product.currency,
    },
  });
}
