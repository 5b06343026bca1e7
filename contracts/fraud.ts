/** Fraud assessment: an explainable score made of reasons, and the decision thresholds turned it into. */
import { z } from 'zod';

export const FraudDecision = z.enum(['approve', 'review', 'reject']);
export type FraudDecision = z.infer<typeof FraudDecision>;

export const FraudReasonCode = z.enum([
  'high_amount',
  'very_high_amount',
  'velocity',
  'first_order',
  'quantity_spike',
  'blocklisted_email',
  'blocklisted_address',
]);
export type FraudReasonCode = z.infer<typeof FraudReasonCode>;

export const FraudReason = z.object({
  code: FraudReasonCode,
  score: z.number().int(),
  detail: z.string(),
});
export type FraudReason = z.infer<typeof FraudReason>;

export const FraudAssessment = z.object({
  decision: FraudDecision,
  score: z.number().int(),
  reasons: z.array(FraudReason),
  thresholds: z.object({ review: z.number().int(), reject: z.number().int() }),
  /** When the assessment was recorded; a review deadline is counted from it. */
  assessedAt: z.iso.datetime().optional(),
});
export type FraudAssessment = z.infer<typeof FraudAssessment>;

/** An assessment as the fraud step answers it: as recorded, with the time it was recorded. */
export function recordedAssessment(assessment: FraudAssessment, assessedAt: Date): FraudAssessment {
  return { ...assessment, assessedAt: assessedAt.toISOString() };
}
