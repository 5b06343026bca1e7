import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  backgroundServers,
  followBackgroundServer,
  lastProgressLine,
} from '../../scripts/background-servers';

describe('background servers of a first start', () => {
  it('reads the servers stack/up names in the environment', () => {
    const servers = backgroundServers({
      STACK_BACKGROUND_N8N_PID: '4242',
      STACK_BACKGROUND_N8N_LOG: '/logs/n8n-background.log',
      STACK_BACKGROUND_N8N_URL: 'http://127.0.0.1:5678',
      STACK_BACKGROUND_BROKEN_PID: 'not-a-pid',
      OTHER: 'x',
    });
    expect(servers).toEqual([
      { name: 'n8n', pid: 4242, log: '/logs/n8n-background.log', url: 'http://127.0.0.1:5678' },
    ]);
  });

  it("shows the last of stack/up's own lines, not npm's", () => {
    const log =
      '[stack] n8n: installing\nnpm warn deprecated x\n[stack] n8n: still installing (60s, 812 MB so far)…\nnoise\n';
    expect(lastProgressLine(log)).toBe('n8n: still installing (60s, 812 MB so far)…');
    expect(lastProgressLine('npm only\n')).toBeUndefined();
  });

  it('prints progress while the install runs, then the URL once it ended and the server answers', async () => {
    const server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const log = path.join(mkdtempSync(path.join(os.tmpdir(), 'bg-')), 'n8n-background.log');
    writeFileSync(log, '[stack] n8n: still installing (30s, 400 MB so far)…\n');
    const install = spawn('sleep', ['0.5']);
    const printed: string[] = [];
    try {
      const ready = await followBackgroundServer(
        { name: 'n8n', pid: install.pid ?? 0, log, url },
        { print: (line) => printed.push(line), pollMs: 100, progressEveryMs: 150 },
      );
      expect(ready).toBe(true);
      expect(printed.some((line) => line.includes('still installing') && line.includes('400 MB'))).toBe(true);
      expect(printed.at(-1)).toBe(`[start] n8n is ready: ${url}`);
    } finally {
      server.close();
    }
  });

  it('says so when the background start ended without the server answering', async () => {
    const install = spawn('true');
    await new Promise((resolve) => install.on('exit', resolve));
    const printed: string[] = [];
    const ready = await followBackgroundServer(
      { name: 'n8n', pid: install.pid ?? 0, log: '/nowhere.log', url: 'http://127.0.0.1:1' },
      { print: (line) => printed.push(line), pollMs: 50 },
    );
    expect(ready).toBe(false);
    expect(printed.at(-1)).toMatch(/ended without it answering; see \/nowhere\.log/);
  });
});
