// @ts-check
/**
 * The webhook inbox of the local stack: the default destination of the n8n workflows' HTTP calls
 * (ORDER_WEBHOOK_URL, STOCK_ALERT_URL), so that on a plain `npm start` they land somewhere a person can
 * look at, and a failed call in n8n means something is wrong rather than "nothing listens".
 *
 *   POST|PUT|PATCH|DELETE /any/path   recorded (path, headers, JSON-parsed body, time, a rising id); 200
 *   GET /                             the newest calls as an auto-refreshing page (?path=/x filters)
 *   GET /calls?after=ID&limit=N       calls with an id above ID, oldest first, as JSON (for programs)
 *   GET /calls/ID                     one call
 *   GET /healthz                      {"status":"ok"}
 *
 * Started by stack/servers/inbox.sh as `node inbox.mjs --port PORT`. Node's standard library only: the
 * stack starts before any project dependency is installed. Loopback only; memory is bounded by the
 * number of calls kept and their total size, and a body above MAX_BODY_BYTES is refused with 413.
 */
import { Buffer } from 'node:buffer';
import console from 'node:console';
import http from 'node:http';
import process from 'node:process';
import { URL, URLSearchParams } from 'node:url';
import { parseArgs } from 'node:util';

const HOST = '127.0.0.1';
const MAX_BODY_BYTES = 1024 * 1024;
/** The newest calls kept, by count and by total size (bodies and headers); older ones are dropped first. */
const KEEP_CALLS = 5000;
const KEEP_BYTES = 32 * 1024 * 1024;
/** Calls shown on the page, and the part of each body shown there (the rest is at /calls/ID). */
const PAGE_CALLS = 100;
const PAGE_BODY_CHARS = 20_000;
const REFRESH_SECONDS = 3;

const { values: args } = parseArgs({ options: { port: { type: 'string', default: '5690' } } });
const port = Number(args.port);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`inbox: --port must be a TCP port, got '${args.port}'`);
  process.exit(2);
}

/**
 * @typedef {object} Call
 * @property {number} id
 * @property {string} time ISO 8601, when the body had arrived
 * @property {string} method
 * @property {string} path the request target, query included
 * @property {http.IncomingHttpHeaders} headers
 * @property {unknown} body the body parsed as JSON, else the text (null when empty)
 * @property {number} bytes
 */

/** @type {Call[]} oldest first */
const calls = [];
/** @type {number[]} the size each kept call is counted with, in the same order */
const sizes = [];
let keptBytes = 0;
let lastId = 0;

/**
 * @param {Call} call
 * @param {number} size
 */
function record(call, size) {
  calls.push(call);
  sizes.push(size);
  keptBytes += size;
  while (calls.length > KEEP_CALLS || keptBytes > KEEP_BYTES) {
    calls.shift();
    keptBytes -= sizes.shift() ?? 0;
  }
}

/** @param {string} text */
function parseBody(text) {
  if (text === '') return null;
  try {
    return /** @type {unknown} */ (JSON.parse(text));
  } catch {
    return text;
  }
}

/**
 * @param {http.ServerResponse} res
 * @param {number} status
 * @param {unknown} value
 */
function sendJson(res, status, value) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`${JSON.stringify(value)}\n`);
}

/** @param {string} text */
function escapeHtml(text) {
  return text.replace(
    /[&<>"']/g,
    (c) =>
      /** @type {Record<string, string>} */ ({
        '&': '&amp;',
        '<': '&lt;',
        '>': '&gt;',
        '"': '&quot;',
        "'": '&#39;',
      })[c] ?? c,
  );
}

/** @param {unknown} body */
function prettyBody(body) {
  const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
  return text.length > PAGE_BODY_CHARS ? `${text.slice(0, PAGE_BODY_CHARS)}\n… (truncated)` : text;
}

/** @param {URL} url */
function page(url) {
  const pathFilter = url.searchParams.get('path');
  const refresh = url.searchParams.get('refresh') !== '0';
  const shown = calls
    .filter((c) => pathFilter === null || c.path === pathFilter)
    .slice(-PAGE_CALLS)
    .reverse();
  /** @type {Map<string, number>} */
  const perPath = new Map();
  for (const c of calls) perPath.set(c.path, (perPath.get(c.path) ?? 0) + 1);
  const query = (/** @type {Record<string, string>} */ params) => {
    const q = new URLSearchParams(params).toString();
    return escapeHtml(q ? `/?${q}` : '/');
  };
  const keep = (/** @type {Record<string, string>} */ params) => ({
    ...(pathFilter === null ? {} : { path: pathFilter }),
    ...(refresh ? {} : { refresh: '0' }),
    ...params,
  });
  const paths = [...perPath]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([p, n]) => `<a href="${query({ ...keep({}), path: p })}">${escapeHtml(p)}</a> (${n})`)
    .join(' · ');
  const articles = shown
    .map(
      (c) => `<article>
<h2>#${c.id} ${escapeHtml(c.method)} ${escapeHtml(c.path)}</h2>
<p><time>${escapeHtml(c.time)}</time> · ${c.bytes} bytes · ${escapeHtml(String(c.headers['content-type'] ?? 'no content-type'))} · <a href="/calls/${c.id}">JSON</a></p>
<pre>${escapeHtml(prettyBody(c.body))}</pre>
<details><summary>headers</summary><pre>${escapeHtml(JSON.stringify(c.headers, null, 2))}</pre></details>
</article>`,
    )
    .join('\n');
  const { path: _unused, ...withoutPath } = keep({});
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
${refresh ? `<meta http-equiv="refresh" content="${REFRESH_SECONDS}">` : ''}
<title>Webhook inbox (${lastId})</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #222; }
h1 { font-size: 1.3rem; } h2 { font-size: 1rem; margin: 0; font-family: ui-monospace, monospace; }
article { border-top: 1px solid #ccc; padding: .6rem 0; } p { margin: .2rem 0; color: #555; }
pre { background: #f6f6f6; padding: .5rem; overflow-x: auto; margin: .3rem 0; }
</style>
</head>
<body>
<h1>Webhook inbox</h1>
<p>Every POST to <code>http://${HOST}:${port}/any/path</code> is recorded here: ${lastId} since start, the
newest ${calls.length} kept, the newest ${PAGE_CALLS} shown. For programs: <a href="/calls?after=0">/calls?after=0</a>.
${refresh ? `Refreshes every ${REFRESH_SECONDS} s (<a href="${query(keep({ refresh: '0' }))}">pause</a>).` : `Paused (<a href="${query({ ...keep({}), refresh: '1' })}">resume</a>).`}</p>
<p>${pathFilter === null ? 'All paths' : `Only <code>${escapeHtml(pathFilter)}</code> (<a href="${query(withoutPath)}">all paths</a>)`}${paths ? `: ${paths}` : ''}</p>
${articles || '<p>No calls yet.</p>'}
</body>
</html>
`;
}

/**
 * @param {URL} url
 * @param {http.ServerResponse} res
 */
function listCalls(url, res) {
  const after = Number(url.searchParams.get('after') ?? 0);
  const limit = Math.min(Number(url.searchParams.get('limit') ?? 500), 1000);
  const pathFilter = url.searchParams.get('path');
  if (!Number.isFinite(after) || !Number.isInteger(limit) || limit < 0) {
    return sendJson(res, 400, { error: 'after must be a number and limit a whole number from 0 to 1000' });
  }
  /** @type {Call[]} */
  const found = [];
  for (const c of calls) {
    if (found.length >= limit) break;
    if (c.id > after && (pathFilter === null || c.path === pathFilter)) found.push(c);
  }
  // firstId lets a reader notice that calls it had not read yet were dropped.
  sendJson(res, 200, { firstId: calls[0]?.id ?? lastId + 1, lastId, calls: found });
}

/**
 * @param {http.IncomingMessage} req
 * @param {http.ServerResponse} res
 */
function receive(req, res) {
  const declared = Number(req.headers['content-length'] ?? 0);
  /** @type {Buffer[]} */
  const chunks = [];
  let bytes = 0;
  let tooLarge = declared > MAX_BODY_BYTES;
  const refuse = () => {
    // The rest of the body is read and dropped, so the client sees the answer instead of a reset.
    res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
    res.end(`{"error":"the body is larger than ${MAX_BODY_BYTES} bytes"}\n`);
  };
  if (tooLarge) refuse();
  // A client that goes away mid-body leaves nothing to record (and must not end the inbox).
  req.on('error', () => undefined);
  req.on('data', (/** @type {Buffer} */ chunk) => {
    if (tooLarge) return;
    bytes += chunk.length;
    if (bytes > MAX_BODY_BYTES) {
      tooLarge = true;
      chunks.length = 0;
      return refuse();
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (tooLarge) return;
    lastId += 1;
    const headerBytes = req.rawHeaders.reduce((sum, h) => sum + h.length, 0);
    record(
      {
        id: lastId,
        time: new Date().toISOString(),
        method: req.method ?? 'POST',
        path: req.url ?? '/',
        headers: req.headers,
        body: parseBody(Buffer.concat(chunks).toString('utf8')),
        bytes,
      },
      bytes + headerBytes,
    );
    sendJson(res, 200, { ok: true, id: lastId });
  });
}

/** Host names a loopback client uses; anything else may be a DNS-rebinding page reading the calls. */
const allowedHosts = new Set([`${HOST}:${port}`, `localhost:${port}`, `[::1]:${port}`]);

const server = http.createServer((req, res) => {
  if (!allowedHosts.has(req.headers.host ?? '')) {
    return sendJson(res, 403, { error: `unexpected Host header; use http://${HOST}:${port}` });
  }
  const url = new URL(req.url ?? '/', `http://${HOST}:${port}`);
  if (req.method !== 'GET' && req.method !== 'HEAD') return receive(req, res);
  if (url.pathname === '/') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    return res.end(page(url));
  }
  if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
  if (url.pathname === '/calls') return listCalls(url, res);
  const one = /^\/calls\/(\d+)$/.exec(url.pathname);
  const call = one && calls.find((c) => c.id === Number(one[1]));
  if (call) return sendJson(res, 200, call);
  sendJson(res, 404, {
    error: 'not found: GET /, /calls?after=ID, /calls/ID or /healthz; any other method is recorded',
  });
});
// A slow or stuck client cannot hold a request open for long.
server.headersTimeout = 10_000;
server.requestTimeout = 30_000;

server.on('error', (err) => {
  console.error(`inbox: cannot listen on ${HOST}:${port}: ${err.message}`);
  process.exit(1);
});
server.listen(port, HOST, () => console.log(`inbox: listening on http://${HOST}:${port}`));

for (const signal of /** @type {const} */ (['SIGTERM', 'SIGINT'])) {
  process.on(signal, () => {
    console.log(`inbox: ${signal}, stopping after ${lastId} call(s)`);
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
