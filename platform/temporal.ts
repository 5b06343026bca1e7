/** Temporal connections for clients and workers; TLS and API keys (Temporal Cloud) are configuration. */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { AppConfig } from './config';

function connectionOptions(config: Pick<AppConfig, 'temporal'>) {
  const { address, tls, apiKey } = config.temporal;
  return { address, tls: tls ? {} : undefined, apiKey, connectTimeout: '10s' as const };
}

export async function connectClient(config: Pick<AppConfig, 'temporal'>): Promise<Client> {
  const connection = await Connection.connect(connectionOptions(config));
  return new Client({ connection, namespace: config.temporal.namespace });
}

export async function connectWorker(config: Pick<AppConfig, 'temporal'>): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(config));
}
