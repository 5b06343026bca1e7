/** What every part of one benchmark run shares. */
import type { Kafka } from 'kafkajs';
import type { AppConfig } from '../platform/config';
import type { BenchOptions } from './cli';
import type { Cleanup } from './cleanup';
import type { BenchIdentity } from '../harness/identity';
import type { RunContext } from './phases';
import type { ProcessMonitor } from './process-monitor';

export interface BenchContext extends RunContext {
  options: BenchOptions;
  /** The stack as the benchmark's services will see it (addresses from .stack/stack.env). */
  config: AppConfig;
  id: BenchIdentity;
  kafka: Kafka;
  monitor: ProcessMonitor;
  cleanup: Cleanup;
  /** Stops the run at the next check, keeping the first reason. */
  abort: (reason: string) => void;
  abortReason: () => string | undefined;
}
