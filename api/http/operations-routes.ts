/** Public routes: health, readiness, metrics, the OpenAPI document, its docs page and the operator pages. */
import express from 'express';
import type { Router } from 'express';
import { apiRoutes } from '../../contracts/http-api';
import { dashboardRouter } from '../operator/dashboard/pages';
import { docsRouter } from './docs';
import type { HttpMetrics } from './metrics';
import { buildOpenApiDocument } from './openapi';
import { checkReadiness } from './readiness';
import type { DependencyCheck } from './readiness';
import type { MountOptions } from './route';
import { expressPath, mount } from './route';

export interface OperationsDependencies {
  readiness: Record<string, DependencyCheck>;
  metrics: HttpMetrics;
}

export function operationsRoutes(deps: OperationsDependencies, options: MountOptions): Router {
  const router = express.Router();
  // Built once: the document only changes with the code.
  const openApi = buildOpenApiDocument();

  mount(
    router,
    apiRoutes.health,
    () => Promise.resolve({ status: 200 as const, body: { status: 'ok' as const } }),
    options,
  );

  mount(
    router,
    apiRoutes.readiness,
    async () => {
      const result = await checkReadiness(deps.readiness);
      return result.ready ? { status: 200 as const, body: result } : { status: 503 as const, body: result };
    },
    options,
  );

  mount(router, apiRoutes.openapi, () => Promise.resolve({ status: 200 as const, body: openApi }), options);

  // Non-JSON bodies: mounted by hand, on the paths the contract names.
  router.get(expressPath(apiRoutes.metrics.path), deps.metrics.handler);
  router.use(docsRouter());
  router.use(dashboardRouter());

  return router;
}
