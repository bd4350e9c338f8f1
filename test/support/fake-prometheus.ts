import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Prometheus-compatible /api/v1/query endpoint whose values the test controls: each query is
 * answered with the value of the first key it contains, or no samples when none matches.
 */
export async function startFakePrometheus(initial: Record<string, number> = {}) {
  const values = new Map(Object.entries(initial));
  const queries: string[] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const query = url.searchParams.get('query') ?? '';
    queries.push(query);
    const match = [...values.entries()].find(([key]) => query.includes(key));
    const result = match ? [{ metric: {}, value: [Date.now() / 1000, String(match[1])] }] : [];
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    queries,
    set(key: string, value: number | undefined) {
      if (value === undefined) values.delete(key);
      else values.set(key, value);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
