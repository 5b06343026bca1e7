/**
 * Reads a page of an order saga's Temporal history (the latest run), for reads that need no worker: the
 * order view from its event log and the order timeline. A saga Temporal does not know is OrderNotFoundError.
 */
import type { Client } from '@temporalio/client';
import { isGrpcServiceError } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { orderWorkflowId } from '../../workflows/messages';
import { OrderNotFoundError } from '../http/errors';

const GRPC_NOT_FOUND = 5;

export interface HistoryPageRequest {
  maximumPageSize?: number;
  nextPageToken?: Uint8Array;
}

export async function sagaHistoryPage(
  client: Client,
  namespace: string,
  orderId: string,
  request: HistoryPageRequest = {},
): Promise<temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse> {
  try {
    return await client.workflowService.getWorkflowExecutionHistory({
      namespace,
      execution: { workflowId: orderWorkflowId(orderId) },
      ...request,
    });
  } catch (err) {
    if (isGrpcServiceError(err) && Number(err.code) === GRPC_NOT_FOUND) throw new OrderNotFoundError(orderId);
    throw err;
  }
}
