import { checkCancellationRequest, checkReviewDecision } from '../../contracts/order-message-checks';
import { CancellationRequest, ReviewDecision } from '../../contracts/order-messages';

const long = (n: number) => 'x'.repeat(n);

const decisions: unknown[] = [
  { decision: 'approve', reviewer: 'ops' },
  { decision: 'reject', reviewer: 'ops', note: 'looks fine' },
  { decision: 'reject', reviewer: long(100), note: long(1000) },
  { decision: 'reject', reviewer: long(101) },
  { decision: 'approve', reviewer: 'ops', note: long(1001) },
  { decision: 'approve', reviewer: '' },
  { decision: 'maybe', reviewer: 'ops' },
  { decision: 'approve' },
  { decision: 'approve', reviewer: 42 },
  { decision: 'approve', reviewer: 'ops', note: 7 },
  { decision: 'approve', reviewer: 'ops', note: 'two\nlines\tand a tab' },
  { decision: 'approve', reviewer: 'ops', note: 'nul\u0000' },
  { decision: 'approve', reviewer: 'o\nps' },
  { decision: 'approve', reviewer: '   ' },
  'approve',
  null,
  undefined,
];

const cancellations: unknown[] = [
  { reason: 'customer changed their mind', requestedBy: 'storefront' },
  { reason: long(500), requestedBy: long(100) },
  { reason: long(501), requestedBy: 'ops' },
  { reason: '', requestedBy: 'ops' },
  { reason: 'why', requestedBy: long(101) },
  { reason: 'why' },
  { requestedBy: 'ops' },
  { reason: 3, requestedBy: 'ops' },
  { reason: 'line one\nline two', requestedBy: 'ops' },
  { reason: 'bell\u0007', requestedBy: 'ops' },
  { reason: ' \n ', requestedBy: 'ops' },
  { reason: 'why', requestedBy: 'ops\u0000' },
  [],
  null,
];

const passes = (check: (v: unknown) => void, value: unknown) => {
  try {
    check(value);
    return true;
  } catch {
    return false;
  }
};

describe('the workflow-side message checks', () => {
  it.each(decisions.map((d) => [JSON.stringify(d)?.slice(0, 60), d]))(
    'judge the review decision %s as the zod schema does',
    (_, value) => {
      expect(passes(checkReviewDecision, value)).toBe(ReviewDecision.safeParse(value).success);
    },
  );

  it.each(cancellations.map((c) => [JSON.stringify(c)?.slice(0, 60), c]))(
    'judge the cancellation %s as the zod schema does',
    (_, value) => {
      expect(passes(checkCancellationRequest, value)).toBe(CancellationRequest.safeParse(value).success);
    },
  );

  it('name the field that is wrong', () => {
    expect(() => checkReviewDecision({ decision: 'approve', reviewer: '' })).toThrow(/^reviewer: /);
    expect(() => checkCancellationRequest({ reason: 'x', requestedBy: long(101) })).toThrow(/^requestedBy: /);
  });
});
