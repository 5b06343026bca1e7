import { customerReason } from '../../workflows/saga-outcome';

describe("the reason an order's mail gives", () => {
  it('passes on a cancellation, a shortage and a declined card, and stays vague about fraud and review', () => {
    expect(customerReason({ status: 'cancelled', reason: 'changed my mind', requestedBy: 'c-1' })).toBe(
      'changed my mind',
    );
    expect(customerReason({ status: 'rejected', code: 'insufficient_stock', reason: 'short of MUG' })).toBe(
      'short of MUG',
    );
    expect(customerReason({ status: 'rejected', code: 'payment_declined', reason: 'card declined' })).toBe(
      'card declined',
    );
    for (const code of ['fraud_rejected', 'review_rejected', 'review_timeout', 'step_failed'] as const) {
      expect(customerReason({ status: 'rejected', code, reason: 'score 95' })).toBe(
        'we could not verify the order',
      );
    }
    expect(customerReason({ status: 'confirmed' })).toBeUndefined();
  });
});
