/** Structured logging: JSON lines in production, human-readable lines locally. */
import pino from 'pino';
import type { AppConfig } from './config';

export type Logger = pino.Logger;

// Customer data must never reach the logs, whatever object a caller passes.
const redactedPaths = [
  'email',
  '*.email',
  '*.*.email',
  'contact',
  '*.contact',
  'shippingAddress',
  '*.shippingAddress',
  '*.*.shippingAddress',
  'password',
  '*.password',
  'apiKey',
  '*.apiKey',
  'headers.authorization',
  'headers["x-api-key"]',
];

export function createLogger(config: Pick<AppConfig, 'log'>, name: string): Logger {
  return pino({
    name,
    level: config.log.level,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    ...(config.log.format === 'pretty'
      ? {
          transport: {
            target: 'pino-pretty',
            options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' },
          },
        }
      : {}),
  });
}
