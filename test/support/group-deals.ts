/** Group deals in tests: a participant's join request, and joining with update-with-start as the API does. */
import { WithStartWorkflowOperation } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import type { GroupDealTerms, JoinRequest } from '../../contracts/group-deal';
import { groupWorkflowId } from '../../contracts/group-deal';
import type { groupBuy } from '../../workflows';
import { joinDealUpdate } from '../../workflows/group-messages';

export function joinRequest(customerId: string, method = 'pm_card_visa'): JoinRequest {
  return {
    customerId,
    shippingAddress: { name: 'Ada', line1: '1 Row', city: 'London', postalCode: 'N1', country: 'GB' },
    contact: { email: `${customerId}@example.com` },
    payment: { method },
  };
}

/** Joins the deal, opening it with `terms` if it is not running yet. */
export function joinDeal(client: Client, taskQueue: string, terms: GroupDealTerms, request: JoinRequest) {
  return client.workflow.executeUpdateWithStart(joinDealUpdate, {
    args: [request],
    startWorkflowOperation: new WithStartWorkflowOperation<typeof groupBuy>('groupBuy', {
      taskQueue,
      workflowId: groupWorkflowId(terms.dealId),
      args: [{ terms }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    }),
  });
}
