/** The CloudEvents Kafka binding (structured mode) used for every event the services publish. */
import type { Message } from 'kafkajs';

export interface CloudEventEnvelope {
  specversion: string;
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  sequence?: number;
}

/** Key = subject (order id or SKU); the `ce_*` headers let consumers route without parsing the body. */
export function cloudEventMessage(event: CloudEventEnvelope): Message & { key: string; value: string } {
  return {
    key: event.subject,
    value: JSON.stringify(event),
    headers: {
      ce_specversion: event.specversion,
      ce_id: event.id,
      ce_type: event.type,
      ce_source: event.source,
      ce_subject: event.subject,
      ce_time: event.time,
      ...(event.sequence === undefined ? {} : { ce_sequence: String(event.sequence) }),
      'content-type': 'application/cloudevents+json',
    },
  };
}
