/**
 * Recognises infrastructure failures (Temporal, PostgreSQL or Kafka unreachable or too slow) among the
 * errors clients and drivers throw, so the API answers 503 + Retry-After instead of 500.
 */
import {
  ServiceError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcServiceError,
} from '@temporalio/client';
import { ServiceUnavailableError } from './errors';

// gRPC status codes that mean "the server is not answering right now" rather than "your request is wrong".
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_RESOURCE_EXHAUSTED = 8;
const GRPC_CANCELLED = 1;
const transientGrpcCodes = new Set([
  GRPC_UNAVAILABLE,
  GRPC_DEADLINE_EXCEEDED,
  GRPC_RESOURCE_EXHAUSTED,
  GRPC_CANCELLED,
]);

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

function isTemporalOutage(err: unknown): boolean {
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  if (isGrpcServiceError(err)) return transientGrpcCodes.has(err.code);
  if (err instanceof ServiceError) {
    const cause = err.cause;
    return isGrpcServiceError(cause) ? transientGrpcCodes.has(cause.code) : true;
  }
  return false;
}

// Duck-typed on purpose: errors raised by Node's net module need not be `instanceof` this realm's Error.
function fields(err: unknown): { code?: unknown; message?: unknown; name?: unknown } {
  return typeof err === 'object' && err !== null ? err : {};
}

function isPostgresOutage(err: unknown): boolean {
  const { code, message } = fields(err);
  if (typeof code === 'string') {
    // Class 08 = connection exception; 57P0x = the server is shutting down or starting; 53300 = too many connections.
    if (networkCodes.has(code) || code.startsWith('08') || /^57P0[123]$/.test(code) || code === '53300') {
      return true;
    }
  }
  return (
    typeof message === 'string' &&
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(
      message,
    )
  );
}

function isKafkaOutage(err: unknown): boolean {
  const { name } = fields(err);
  return typeof name === 'string' && name.startsWith('KafkaJS');
}

/** The matching ServiceUnavailableError, or undefined when the error is not an outage. */
export function asOutage(err: unknown): ServiceUnavailableError | undefined {
  if (err instanceof ServiceUnavailableError) return err;
  if (isTemporalOutage(err)) return new ServiceUnavailableError('temporal');
  if (isKafkaOutage(err)) return new ServiceUnavailableError('kafka');
  if (isPostgresOutage(err)) return new ServiceUnavailableError('postgres');
  return undefined;
}
