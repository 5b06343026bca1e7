import { cloudEventMessage } from '../../platform/cloud-event-message';

const envelope = {
  specversion: '1.0',
  id: 'order-o-1:3',
  source: '/fusioncommerce/order-saga',
  type: 'fraud.assessed',
  subject: 'o-1',
  time: '2026-01-01T00:00:00.000Z',
};

describe('CloudEvents Kafka message', () => {
  it('keys by subject, carries the whole envelope and repeats its attributes as ce_ headers', () => {
    const message = cloudEventMessage({ ...envelope, sequence: 3 });
    expect(message.key).toBe('o-1');
    expect(JSON.parse(message.value)).toEqual({ ...envelope, sequence: 3 });
    expect(message.headers).toEqual({
      ce_specversion: '1.0',
      ce_id: 'order-o-1:3',
      ce_type: 'fraud.assessed',
      ce_source: '/fusioncommerce/order-saga',
      ce_subject: 'o-1',
      ce_time: '2026-01-01T00:00:00.000Z',
      ce_sequence: '3',
      'content-type': 'application/cloudevents+json',
    });
  });

  it('omits ce_sequence for events outside an order stream', () => {
    expect(cloudEventMessage(envelope).headers).not.toHaveProperty('ce_sequence');
  });
});
