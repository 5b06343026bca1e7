/** Orders as they cross boundaries: what a storefront submits, and the priced order the saga runs on. */
import { z } from 'zod';
import { formatMoney } from './money';
import { customerIdPattern, linePattern, textRules } from './plain-text';

/** One line of text people type, 1 to `max` characters (see ./plain-text). */
const line = (max: number) => z.string().min(1).max(max).regex(linePattern.required, textRules.lineRequired);
const optionalLine = (max: number) => z.string().max(max).regex(linePattern.optional, textRules.line);

export const Sku = z
  .string()
  .regex(/^[A-Z0-9][A-Z0-9._-]{0,63}$/, 'SKU must be 1-64 upper-case letters, digits, ".", "_" or "-"');
export const CurrencyCode = z.string().regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code such as EUR');
/** Money in minor units (cents) so totals never go through floating point. */
export const MinorUnits = z.number().int().nonnegative();
export const OrderId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$/, 'order id must be 3-64 letters, digits, "_" or "-"');
export const CustomerId = z
  .string()
  .min(1)
  .max(64)
  .regex(customerIdPattern, 'customer id must not contain spaces or control characters');

export const OrderLineInput = z.object({
  sku: Sku,
  quantity: z.number().int().min(1, 'quantity must be at least 1').max(1000, 'quantity must be at most 1000'),
});

export const ShippingAddress = z.object({
  name: line(200),
  line1: line(200),
  line2: optionalLine(200).optional(),
  city: line(100),
  postalCode: line(20),
  country: z.string().regex(/^[A-Z]{2}$/, 'country must be an ISO 3166-1 alpha-2 code such as DE'),
});

// RFC 5321 limits: 64 characters before the @, 63 per domain label, 254 in all (what mail servers and
// the OpenAPI "email" format accept; zod's pattern alone lets longer addresses through).
const emailFitsRfc5321 = (email: string) => {
  const [local = '', domain = ''] = email.split('@');
  return local.length <= 64 && domain.split('.').every((label) => label.length <= 63);
};

export const Contact = z.object({
  email: z
    .email()
    .max(254)
    .refine(emailFitsRfc5321, 'email: at most 64 characters before the @ and 63 per domain label'),
  phone: optionalLine(32).optional(),
});

/**
 * How the customer pays: a payment method id (`pm_…`) or token (`tok_…`) the storefront obtained from the
 * payment provider. Card details never pass through this product.
 */
export const PaymentMethodInput = z.object({
  method: z
    .string()
    .regex(
      /^(pm|tok)_[A-Za-z0-9_]{1,200}$/,
      'payment method must be a provider id (pm_…) or token (tok_…); card details never go through this API',
    ),
});
export type PaymentMethodInput = z.infer<typeof PaymentMethodInput>;

/**
 * What a client submits: no prices (the catalog prices the lines), no order id (the API assigns one).
 * Each SKU may appear on one line only; JSON Schema cannot say that of an array of objects, so the API
 * checks it with the catalog rules and answers 422 duplicate_sku (api/orders/order-pricing.ts).
 */
export const OrderInput = z.object({
  customerId: CustomerId,
  lines: z.array(OrderLineInput).min(1, 'an order needs at least one line').max(100),
  shippingAddress: ShippingAddress,
  contact: Contact,
  /** Without it the order is not charged (e.g. paid on invoice); with it the saga authorizes the total. */
  payment: PaymentMethodInput.optional(),
});

export const PricedLine = OrderLineInput.extend({
  name: z.string().min(1),
  unitPriceMinor: MinorUnits,
  lineTotalMinor: MinorUnits,
});

export const PricedOrder = z
  .object({
    orderId: OrderId,
    customerId: CustomerId,
    lines: z.array(PricedLine).min(1).max(100),
    currency: CurrencyCode,
    totalMinor: MinorUnits,
    shippingAddress: ShippingAddress,
    contact: Contact,
    payment: PaymentMethodInput.optional(),
    placedAt: z.iso.datetime(),
  })
  .refine((o) => o.lines.every((l) => l.lineTotalMinor === l.unitPriceMinor * l.quantity), {
    message: 'each line total must equal unit price × quantity',
    path: ['lines'],
  })
  .refine((o) => o.totalMinor === o.lines.reduce((sum, l) => sum + l.lineTotalMinor, 0), {
    message: 'total must equal the sum of the line totals',
    path: ['totalMinor'],
  });

export type OrderLineInput = z.infer<typeof OrderLineInput>;
export type ShippingAddress = z.infer<typeof ShippingAddress>;
export type Contact = z.infer<typeof Contact>;
export type OrderInput = z.infer<typeof OrderInput>;
export type PricedLine = z.infer<typeof PricedLine>;
export type PricedOrder = z.infer<typeof PricedOrder>;

/** Renders minor units for people: 12345 EUR → "123.45 EUR". */
export { formatMoney } from './money';

/** One line naming the order for people: the workflow's static summary in the Temporal UI. */
export function orderSummary(
  order: Pick<PricedOrder, 'orderId' | 'customerId' | 'lines' | 'totalMinor' | 'currency'>,
): string {
  const items = order.lines.reduce((n, l) => n + l.quantity, 0);
  return `Order ${order.orderId} · ${items} item${items === 1 ? '' : 's'} · ${formatMoney(order.totalMinor, order.currency)} · customer ${order.customerId}`;
}
