/** The express application: routes only; clients are passed in by the composition root. */
import express from 'express';
import type { Express } from 'express';
import { checkReadiness } from './readiness';
import type { DependencyCheck } from './readiness';

export interface ApiDependencies {
  readiness: Record<string, DependencyCheck>;
}

export function createApp(deps: ApiDependencies): Express {
  const app = express();
  app.disable('x-powered-by');

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const result = await checkReadiness(deps.readiness);
    res.status(result.ready ? 200 : 503).json(result);
  });

  return app;
}
