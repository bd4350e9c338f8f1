// The HTTP check as a user meets it: what the plan may say, what a dry run shows, what a run reports.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpCheckStep } from '../../../src/steps/http-check.js';
import { type HttpCheckRun, httpCheckSchema } from '../../../src/steps/http-check.schema.js';
import { firstProblem, makeContext } from './context.js';

let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    response.end(JSON.stringify({ status: 'ok', path: request.url }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const check = (url: string): HttpCheckRun => ({
  kind: 'http_check',
  url,
  expectStatus: 200,
  expectBodyContains: 'ok',
});

describe('an http_check step', () => {
  it('expects HTTP 200 unless the plan says otherwise', () => {
    const parsed = httpCheckSchema.schema.parse({
      kind: 'http_check',
      url: '{{healthcheckUrl}}',
      expectBodyContains: 'status',
    });
    expect(parsed.expectStatus).toBe(200);
  });

  it('refuses a URL that is not http(s)', () => {
    expect(firstProblem(httpCheckSchema.schema, { ...check('ftp://example.com/health') })).toBe(
      "expected an http(s) URL or a template variable — fix: write a full URL such as 'https://api.example.com/healthcheck' or '{{healthcheckUrl}}'",
    );
  });

  it('has its URL checked for template variables', () => {
    expect(httpCheckSchema.templatedFields(check('https://{{environment}}.example.com'))).toEqual([
      [['url'], 'https://{{environment}}.example.com'],
    ]);
  });

  it('names its kind in a dry run', () => {
    expect(httpCheckStep.dryRunText(check('{{healthcheckUrl}}'), {})).toBe('http_check');
  });

  it('fails at once, saying what to set, when the plan uses HEALTHCHECK_URL and it is not set', async () => {
    const outcome = await httpCheckStep.execute(check('{{healthcheckUrl}}'), makeContext('/tmp'));
    expect(outcome).toMatchObject({
      status: 'failed',
      summary: 'HEALTHCHECK_URL is not set: set it to the application health check URL',
    });
  });

  it('fetches the URL with its variables filled in', async () => {
    const outcome = await httpCheckStep.execute(
      check(`${baseUrl}/{{environment}}/health`),
      makeContext('/tmp'),
    );
    expect(outcome).toMatchObject({
      status: 'succeeded',
      summary: `HTTP 200 from ${baseUrl}/production/health`,
    });
  });
});
