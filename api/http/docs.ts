/**
 * `/docs`: Swagger UI rendering `/openapi.json`, served from the swagger-ui-dist package on this server
 * (no CDN: the page works offline and under a strict Content-Security-Policy with no inline script).
 */
import path from 'node:path';
import express from 'express';
import type { Router } from 'express';

// Resolve the package folder without loading its 1 MB browser bundle into the server.
const assetsDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>FusionCommerce Orchestrator API</title>
  <link rel="stylesheet" href="docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="docs/assets/swagger-ui-bundle.js"></script>
  <script src="docs/init.js"></script>
</body>
</html>
`;

const init = `window.ui = SwaggerUIBundle({ url: 'openapi.json', dom_id: '#swagger-ui', deepLinking: true });\n`;

export function docsRouter(): Router {
  const router = express.Router();
  router.get('/docs', (_req, res) => {
    res.type('html').send(page);
  });
  router.get('/docs/init.js', (_req, res) => {
    res.type('application/javascript').send(init);
  });
  router.use('/docs/assets', express.static(assetsDir, { maxAge: '1d', index: false }));
  return router;
}
