/**
 * The saga's event numbering. The workflow decides every event's id, sequence and time; the step that
 * writes the event to the outbox (in its own transaction) receives the stamp, and the sequence moves on
 * only once the step's recorded result says the event was written, so sequences stay contiguous.
 */
import { workflowInfo } from '@temporalio/workflow';
import { orderEventId } from '../contracts/event-stamp';
import type { EventStamp } from '../contracts/event-stamp';

export class EventSequence {
  private last = 0;

  /**
   * `stream` names the events' ids: by default the workflow id (`order-<orderId>` for a saga); a workflow
   * that writes several streams (a group deal, for each participant's order) names each one.
   */
  constructor(
    private readonly orderId: string,
    private readonly onWritten: (written: number) => void,
    private readonly stream: string = workflowInfo().workflowId,
  ) {}

  /** The stamp of the event `ahead` places after the last one written (1 = the next one). */
  peek(ahead = 1): EventStamp {
    const sequence = this.last + ahead;
    return {
      id: orderEventId(this.stream, sequence),
      subject: this.orderId,
      sequence,
      // Workflow time: the same on every replay.
      time: new Date().toISOString(),
    };
  }

  /** Marks the next `count` stamps as written by a step that returned (contracts/step-events.ts counts). */
  advance(count: number): void {
    this.last += count;
    this.onWritten(this.last);
  }
}
