/** A payment as the order saga sees it (the method a storefront sends is `PaymentMethodInput`, in ./order). */
import { z } from 'zod';
import { CurrencyCode, MinorUnits } from './order';

export { PaymentMethodInput } from './order';

export const PaymentStatus = z.enum(['authorized', 'declined', 'captured', 'voided', 'refunded']);
export type PaymentStatus = z.infer<typeof PaymentStatus>;

export const Payment = z.object({
  status: PaymentStatus,
  /** The provider's PaymentIntent; absent when the provider refused to create one. */
  paymentIntentId: z.string().optional(),
  amountMinor: MinorUnits,
  currency: CurrencyCode,
  /** For a declined payment: the provider's code (card_declined, …) and its words. */
  declineCode: z.string().optional(),
  reason: z.string().optional(),
});
export type Payment = z.infer<typeof Payment>;
