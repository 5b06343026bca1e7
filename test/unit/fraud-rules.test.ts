import { scoreOrder } from '../../activities/fraud-rules';
import type { FraudSettings } from '../../activities/fraud-rules';
import { pricedOrder } from '../support/catalog';

const settings: FraudSettings = {
  reviewScore: 50,
  rejectScore: 90,
  highAmountMinor: 50_000,
  velocityWindowMinutes: 60,
  velocityMaxOrders: 3,
  quantitySpike: 20,
  blocklistEmails: ['bad@example.com', '@fraud.test'],
  blocklistAddresses: ['13 Crooked Lane 66666'],
};
const returning = { earlierOrders: 5, earlierOrdersInWindow: 0 };
const line = (quantity: number, unitPriceMinor = 1_000) => [{ sku: 'A-1', quantity, unitPriceMinor }];

describe('fraud scoring', () => {
  it('approves a small order of a returning customer with no reasons', () => {
    expect(scoreOrder(pricedOrder(line(1)), returning, settings)).toEqual({
      decision: 'approve',
      score: 0,
      reasons: [],
      thresholds: { review: 50, reject: 90 },
    });
  });

  it('holds a first order with a high amount for review, listing both reasons', () => {
    const result = scoreOrder(
      pricedOrder(line(1, 60_000)),
      { earlierOrders: 0, earlierOrdersInWindow: 0 },
      settings,
    );
    expect(result.decision).toBe('review');
    expect(result.reasons.map((r) => [r.code, r.score])).toEqual([
      ['high_amount', 30],
      ['first_order', 20],
    ]);
    expect(result.reasons[0]?.detail).toBe('total 600.00 EUR is at least 500.00 EUR');
  });

  it('counts a very high amount instead of a high one', () => {
    const result = scoreOrder(pricedOrder(line(1, 200_000)), returning, settings);
    expect(result.reasons.map((r) => r.code)).toEqual(['very_high_amount']);
    expect(result.decision).toBe('review');
  });

  it('flags velocity and quantity spikes', () => {
    const result = scoreOrder(
      pricedOrder(line(25)),
      { earlierOrders: 9, earlierOrdersInWindow: 3 },
      settings,
    );
    expect(result.reasons.map((r) => r.code)).toEqual(['velocity', 'quantity_spike']);
    expect(result).toMatchObject({ score: 65, decision: 'review' });
  });

  it('rejects blocklisted e-mails (exact or by domain) and addresses', () => {
    const byEmail = scoreOrder(
      pricedOrder(line(1), { contact: { email: 'BAD@example.com' } }),
      returning,
      settings,
    );
    const byDomain = scoreOrder(
      pricedOrder(line(1), { contact: { email: 'x@fraud.test' } }),
      returning,
      settings,
    );
    const byAddress = scoreOrder(
      pricedOrder(line(1), {
        shippingAddress: {
          name: 'X',
          line1: '13, Crooked Lane',
          city: 'Y',
          postalCode: '66666',
          country: 'DE',
        },
      }),
      returning,
      settings,
    );
    expect([byEmail.decision, byDomain.decision, byAddress.decision]).toEqual(['reject', 'reject', 'reject']);
    expect(byAddress.reasons.map((r) => r.code)).toEqual(['blocklisted_address']);
    expect(
      scoreOrder(pricedOrder(line(1), { contact: { email: 'good@example.com' } }), returning, settings)
        .decision,
    ).toBe('approve');
  });
});
