/**
 * The operator pages: `/dashboard` (live charts of the analytics routes) and `/dashboard/orders/{orderId}`
 * (one order's timeline). Static HTML and scripts from `static/`, the chart library from its npm package:
 * everything is served by this server (no CDN, and no inline script under the Content-Security-Policy).
 * The pages are public; the data they fetch needs an operator key (see static/fc-api.js).
 */
import path from 'node:path';
import express from 'express';
import type { Router } from 'express';
import { apiRoutes } from '../../../contracts/http-api';
import { OrderIdParams } from '../../../contracts/http-orders';
import { ValidationError } from '../../http/errors';
import { expressPath, validationIssues } from '../../http/route';

const staticDir = path.join(__dirname, 'static');
// The package's entry point lives in its dist folder, beside the browser build (resolving loads nothing).
const chartJsDir = path.dirname(require.resolve('chart.js'));

export function dashboardRouter(): Router {
  const router = express.Router();
  const send = (res: express.Response, file: string) =>
    res.sendFile(path.join(staticDir, file), { headers: { 'Cache-Control': 'no-cache' } });
  router.get(expressPath(apiRoutes.dashboardPage.path), (_req, res) => send(res, 'dashboard.html'));
  // The id is checked like the API checks it: a page for an id no order can have would only show an error.
  router.get(expressPath(apiRoutes.orderTimelinePage.path), (req, res) => {
    const parsed = OrderIdParams.safeParse(req.params);
    if (!parsed.success) throw new ValidationError(validationIssues('params', parsed.error));
    send(res, 'order.html');
  });
  router.get('/dashboard/assets/chart.umd.min.js', (_req, res) =>
    res.sendFile(path.join(chartJsDir, 'chart.umd.min.js'), { maxAge: '1d' }),
  );
  router.use('/dashboard/assets', express.static(staticDir, { index: false, extensions: false }));
  return router;
}
