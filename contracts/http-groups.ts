/** HTTP bodies of group deals (`/v1/deals`): open a deal, join, leave, cancel, read and list. */
import { z } from 'zod';
import { groupDealStatuses } from './group-deal';
import { CancellationRequest } from './order-messages';
import { Contact, CustomerId, MinorUnits, PaymentMethodInput, ShippingAddress, Sku } from './order';
import { Payment } from './payment';

export const DealId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{2,40}$/, 'deal id must be 3-41 letters, digits, "_" or "-"');
export const DealIdParams = z.object({ dealId: DealId });

export const JoinDealBody = z.object({
  customerId: CustomerId,
  shippingAddress: ShippingAddress,
  contact: Contact,
  payment: PaymentMethodInput,
});
export type JoinDealBody = z.infer<typeof JoinDealBody>;

export const OpenDealBody = z.object({
  dealId: DealId,
  sku: Sku,
  /** The price each participant pays once the deal forms (the catalog names the product and currency). */
  groupPriceMinor: MinorUnits,
  targetSize: z.number().int().min(2).max(100),
  maxSize: z.number().int().min(2).max(1000),
  /** When the deal fails unless formed; between a minute and 30 days ahead. */
  deadline: z.iso.datetime(),
  /** The leader joins as they open the deal (update-with-start). */
  leader: JoinDealBody,
});
export type OpenDealBody = z.infer<typeof OpenDealBody>;

export const LeaveDealBody = z.object({ customerId: CustomerId });
export const CancelDealBody = CancellationRequest;

export const ParticipantView = z.object({
  customerId: z.string(),
  orderId: z.string(),
  status: z.enum(['joining', 'joined', 'left', 'charged', 'released']),
  joinedAt: z.iso.datetime(),
  payment: Payment.optional(),
});

export const DealView = z.object({
  dealId: z.string(),
  sku: z.string(),
  productName: z.string(),
  groupPriceMinor: MinorUnits,
  currency: z.string(),
  targetSize: z.number().int(),
  maxSize: z.number().int(),
  deadline: z.iso.datetime(),
  leaderCustomerId: z.string(),
  status: z.enum(groupDealStatuses),
  /** Participants who have joined and not left. */
  joined: z.number().int().nonnegative(),
  /** How many more must join for the deal to form. */
  needed: z.number().int().nonnegative(),
  secondsLeft: z.number().int().nonnegative(),
  reason: z.string().optional(),
  participants: z.array(ParticipantView),
  links: z.object({ self: z.string(), join: z.string(), leave: z.string() }),
});
export type DealView = z.infer<typeof DealView>;

export const DealList = z.object({
  deals: z.array(
    z.object({ dealId: z.string(), openedAt: z.iso.datetime(), links: z.object({ self: z.string() }) }),
  ),
});
export type DealList = z.infer<typeof DealList>;
