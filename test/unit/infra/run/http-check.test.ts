import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpCheck } from '../../../../src/infra/run/http-check.js';

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"ok","version":"4.0.0"}');
    } else if (req.url === '/down') {
      res.writeHead(503);
      res.end('maintenance');
    } else if (req.url === '/plain') {
      res.end('all good');
    } else if (req.url === '/big') {
      res.end(`{"status":"ok","padding":"${'x'.repeat(10_000)}"}`);
    } else if (req.url?.startsWith('/slow')) {
      // Never answers: the check must give up on its own.
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('httpCheck', () => {
  it('passes a healthy endpoint and shows its body', async () => {
    const outcome = await httpCheck({
      url: `${base}/healthz`,
      expectStatus: 200,
      expectBodyContains: 'status',
      timeoutMs: 5000,
    });
    expect(outcome).toMatchObject({ status: 'succeeded', summary: `HTTP 200 from ${base}/healthz` });
    expect(outcome.outputTail).toBe(`GET ${base}/healthz -> HTTP 200\n{"status":"ok","version":"4.0.0"}`);
  });

  it('fails on an unexpected status', async () => {
    const outcome = await httpCheck({ url: `${base}/down`, expectStatus: 200, timeoutMs: 5000 });
    expect(outcome).toMatchObject({ status: 'failed', summary: 'HTTP 503 (expected 200)' });
    expect(outcome.outputTail).toContain('maintenance');
  });

  it('fails when the body lacks the expected text', async () => {
    const outcome = await httpCheck({ url: `${base}/plain`, expectBodyContains: 'status', timeoutMs: 5000 });
    expect(outcome).toMatchObject({ status: 'failed', summary: 'body does not contain "status"' });
  });

  it('cuts a long body in the tail', async () => {
    const outcome = await httpCheck({ url: `${base}/big`, expectBodyContains: 'status', timeoutMs: 5000 });
    expect(outcome.status).toBe('succeeded');
    expect(outcome.outputTail.length).toBeLessThan(2200);
    expect(outcome.outputTail.endsWith('…')).toBe(true);
  });

  it('names a refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/healthz`;
    await new Promise((resolve) => closed.close(resolve));
    const outcome = await httpCheck({ url, timeoutMs: 5000 });
    expect(outcome).toMatchObject({ status: 'failed', summary: `connection refused: ${url}` });
  });

  it('times out an endpoint that never answers', async () => {
    const outcome = await httpCheck({ url: `${base}/slow`, timeoutMs: 300 });
    expect(outcome).toMatchObject({ status: 'timed_out', summary: `no response within 300ms: ${base}/slow` });
  });

  it('stops when the job is cancelled', async () => {
    const controller = new AbortController();
    const pending = httpCheck({ url: `${base}/slow`, timeoutMs: 10_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect(await pending).toMatchObject({ status: 'cancelled', summary: `cancelled: ${base}/slow` });
  });

  it('keeps a token in the URL out of the answer', async () => {
    const outcome = await httpCheck({ url: `${base}/down?token=abc123`, timeoutMs: 5000 });
    expect(JSON.stringify(outcome)).not.toContain('abc123');
  });

  it('answers a malformed URL instead of throwing', async () => {
    const outcome = await httpCheck({ url: 'not a url', timeoutMs: 5000 });
    expect(outcome).toMatchObject({ status: 'failed', summary: 'invalid URL: not a url' });
  });
});
