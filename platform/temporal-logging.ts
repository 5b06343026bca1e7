/** Routes the Temporal SDK's logs (worker, workflow and activity loggers) into the service logger. */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { LogLevel } from '@temporalio/worker';
import type { Logger } from './logger';

const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

let installed = false;

function temporalLevel(level: string): LogLevel {
  if (level === 'trace' || level === 'debug') return level.toUpperCase() as LogLevel;
  if (level === 'info') return 'INFO';
  if (level === 'warn') return 'WARN';
  return 'ERROR';
}

/** Call once per process before creating a worker; later calls are ignored (the runtime is global). */
export function installTemporalLogging(logger: Logger): void {
  if (installed) return;
  installed = true;
  const temporalLogger = new DefaultLogger(temporalLevel(logger.level), (entry) => {
    const { message, level, meta } = entry;
    logger[levels[level]]({ ...meta, component: 'temporal' }, message);
  });
  Runtime.install({ logger: temporalLogger });
}
