/**
 * The stack's webhook inbox (stack/inbox/inbox.mjs), where the n8n workflows' default URLs point: what a
 * developer reads on its page and what the tests read over GET /calls.
 */
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { HookReceiver } from '../support/n8n';

const inboxUrl = (): string => {
  const url = process.env.INBOX_URL;
  if (!url) throw new Error('INBOX_URL is not set: .stack/stack.env does not carry it (is the stack up?)');
  return url;
};

function post(path: string, body: string, contentType = 'application/json'): Promise<Response> {
  return fetch(`${inboxUrl()}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });
}

/** A GET with a chosen Host header, which fetch does not let a caller set. */
function getWithHost(path: string, host: string): Promise<number> {
  const { hostname, port } = new URL(inboxUrl());
  return new Promise((resolve, reject) => {
    request({ hostname, port, path, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
}

describe('the webhook inbox', () => {
  const path = `/inbox-test/${randomUUID()}`;

  it('answers a POST with 200 and hands it to a reader that started before it, with its parsed body', async () => {
    const reader = new HookReceiver(inboxUrl());
    await reader.start();

    const res = await post(path, JSON.stringify({ orderId: 'ord-1', total: '12.00 EUR' }));

    expect(res.status).toBe(200);
    const calls = await reader.calls((c) => c.path === path);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.body).toEqual({ orderId: 'ord-1', total: '12.00 EUR' });
    expect(calls[0]?.headers['content-type']).toBe('application/json');
  });

  it('shows a reader only the calls made after it started', async () => {
    await post(path, '{"before":true}');
    const reader = new HookReceiver(inboxUrl());
    await reader.start();
    await post(path, '{"after":true}');

    expect((await reader.calls((c) => c.path === path)).map((c) => c.body)).toEqual([{ after: true }]);
  });

  it('keeps a body that is not JSON as text', async () => {
    const reader = new HookReceiver(inboxUrl());
    await reader.start();
    await post(path, 'plain & simple', 'text/plain');

    expect((await reader.calls((c) => c.path === path)).map((c) => c.body)).toEqual(['plain & simple']);
  });

  it('lists the newest calls on its page with their bodies escaped', async () => {
    await post(path, JSON.stringify({ text: '<b>new</b> & <script>alert(1)</script>' }));

    const page = await (await fetch(`${inboxUrl()}/?path=${encodeURIComponent(path)}`)).text();

    expect(page).toContain('&lt;b&gt;new&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>');
  });

  it('refuses a body over 1 MB with 413 and records nothing', async () => {
    const reader = new HookReceiver(inboxUrl());
    await reader.start();

    const res = await post(path, 'x'.repeat(1024 * 1024 + 1), 'text/plain');

    expect(res.status).toBe(413);
    expect(await reader.calls((c) => c.path === path)).toEqual([]);
  });

  it('refuses a request addressed to another host name (a DNS-rebinding page)', async () => {
    expect(await getWithHost('/calls?limit=0', 'attacker.example:5690')).toBe(403);
  });
});
