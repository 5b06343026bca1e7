/**
 * The API's door to group deals in Temporal: open (the leader's join starts the deal, update-with-start),
 * join, leave, cancel, read and list. Every call has a deadline; Temporal's answers become typed API errors.
 */
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import { updateFailureOf } from '../../platform/update-failures';
import type {
  DealCancellation,
  GroupDealState,
  GroupDealTerms,
  JoinRequest,
} from '../../contracts/group-deal';
import { groupWorkflowId } from '../../contracts/group-deal';
import type { DealList, DealView } from '../../contracts/http-groups';
import type { AppConfig } from '../../platform/config';
import type { groupBuy } from '../../workflows';
import { cancelDealUpdate, dealQuery, joinDealUpdate, leaveDealUpdate } from '../../workflows/group-messages';
import { DealExistsError, DealNotFoundError, DealRequestRefusedError } from '../http/errors';

const GROUP_PREFIX = 'group-';

export function dealView(state: GroupDealState, now: number): DealView {
  const { terms } = state;
  const joined = state.participants.filter((p) => p.status === 'joined' || p.status === 'charged').length;
  const self = `/v1/deals/${terms.dealId}`;
  return {
    ...terms,
    status: state.status,
    joined,
    needed: Math.max(0, terms.targetSize - joined),
    secondsLeft:
      state.status === 'open' ? Math.max(0, Math.floor((Date.parse(terms.deadline) - now) / 1000)) : 0,
    ...(state.reason ? { reason: state.reason } : {}),
    participants: state.participants.map((p) => ({ ...p })),
    links: { self, join: `${self}/join`, leave: `${self}/leave` },
  };
}

export function createDealGateway(client: Client, config: Pick<AppConfig, 'temporal' | 'api'>) {
  const withDeadline = <T>(fn: () => Promise<T>) =>
    client.withDeadline(Date.now() + config.api.temporalTimeoutMs, fn);
  const handleOf = (dealId: string) => client.workflow.getHandle<typeof groupBuy>(groupWorkflowId(dealId));

  /** A refused update names its reason; a deal that ended or never existed says so. */
  function mapped(dealId: string, err: unknown): unknown {
    const failure = updateFailureOf(err);
    if (failure?.kind === 'refused') return new DealRequestRefusedError(dealId, failure.reason);
    if (failure?.kind === 'closed') return new DealRequestRefusedError(dealId, 'the deal has ended');
    if (failure?.kind === 'not_found') return new DealNotFoundError(dealId);
    return err;
  }

  async function open(terms: GroupDealTerms, leader: JoinRequest): Promise<void> {
    try {
      await withDeadline(() =>
        client.workflow.executeUpdateWithStart(joinDealUpdate, {
          args: [leader],
          startWorkflowOperation: new WithStartWorkflowOperation<typeof groupBuy>('groupBuy', {
            taskQueue: config.temporal.orderTaskQueue,
            workflowId: groupWorkflowId(terms.dealId),
            args: [{ terms }],
            staticSummary: `Group deal ${terms.dealId}: ${terms.targetSize} × ${terms.sku} by ${terms.deadline}`,
            // A deal id is used once: opening it again is a conflict, never a second deal.
            workflowIdConflictPolicy: 'FAIL',
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
          }),
        }),
      );
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) throw new DealExistsError(terms.dealId);
      throw mapped(terms.dealId, err);
    }
  }

  async function update<T>(dealId: string, call: () => Promise<T>): Promise<T> {
    try {
      return await withDeadline(call);
    } catch (err) {
      throw mapped(dealId, err);
    }
  }

  return {
    open,
    join: (dealId: string, request: JoinRequest) =>
      update(dealId, () => handleOf(dealId).executeUpdate(joinDealUpdate, { args: [request] })),
    leave: (dealId: string, customerId: string) =>
      update(dealId, () => handleOf(dealId).executeUpdate(leaveDealUpdate, { args: [{ customerId }] })),
    cancel: (dealId: string, request: DealCancellation) =>
      update(dealId, () => handleOf(dealId).executeUpdate(cancelDealUpdate, { args: [request] })),
    read: (dealId: string) => update(dealId, () => handleOf(dealId).query(dealQuery)),
    list: (): Promise<DealList> =>
      withDeadline(async () => {
        const deals: DealList['deals'] = [];
        // Open deals are the running groupBuy workflows (newest first); a hundred is a page a person reads.
        for await (const execution of client.workflow.list({
          query: `WorkflowType = 'groupBuy' AND ExecutionStatus = 'Running'`,
          pageSize: 100,
        })) {
          const dealId = execution.workflowId.slice(GROUP_PREFIX.length);
          deals.push({
            dealId,
            openedAt: execution.startTime.toISOString(),
            links: { self: `/v1/deals/${dealId}` },
          });
          if (deals.length >= 100) break;
        }
        return { deals };
      }),
  };
}

export type DealGateway = ReturnType<typeof createDealGateway>;
