/** Publishes catalog events (`product.created`) to Kafka, keyed by SKU, validated against the contract. */
import type { Producer } from 'kafkajs';
import { ProductCreated } from '../../contracts/events';
import type { Product } from '../../contracts/http-catalog';
import { topics } from '../../contracts/topics';
import { cloudEventMessage } from '../../platform/cloud-event-message';

export const CATALOG_EVENT_SOURCE = '/fusioncommerce/catalog';

/** The event for a new product; its id depends only on the SKU, so a republished event keeps its id. */
export function productCreatedEvent(product: Product): ProductCreated {
  return ProductCreated.parse({
    specversion: '1.0',
    id: `product-${product.sku}:created`,
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

export function createCatalogPublisher(producer: Producer) {
  return async function publishProductCreated(product: Product): Promise<void> {
    const event = productCreatedEvent(product);
    await producer.send({
      topic: topics.catalogEvents,
      acks: -1,
      messages: [cloudEventMessage(event)],
    });
  };
}

export type PublishProductCreated = ReturnType<typeof createCatalogPublisher>;
