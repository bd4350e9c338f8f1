import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeGitHubDeployment {
  id: number;
  ref: string;
  environment: string;
  description: string | null;
  production_environment: boolean;
  statuses: { state: string; description: string }[];
}

/**
 * The deployments part of GitHub's REST API as documented: `POST /repos/{owner}/{repo}/deployments`
 * (201 with the deployment; 401 without a token; 422 for a missing ref) and
 * `POST /repos/{owner}/{repo}/deployments/{id}/statuses` (201; 404 for an unknown deployment; 422
 * for a state GitHub does not know).
 */
export async function startFakeGitHub(repository: string, token: string) {
  const deployments: FakeGitHubDeployment[] = [];
  const states = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const answer = (status: number, json: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        response.end(JSON.stringify(json));
      };
      const auth = request.headers.authorization ?? '';
      if (auth !== `token ${token}` && auth !== `Bearer ${token}`)
        return answer(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
      const base = `/repos/${repository}/deployments`;
      const input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
      if (request.method === 'POST' && request.url === base) {
        if (typeof input.ref !== 'string' || input.ref === '')
          return answer(422, { message: 'Validation Failed' });
        const deployment: FakeGitHubDeployment = {
          id: 1000 + deployments.length + 1,
          ref: input.ref,
          environment: String(input.environment ?? 'production'),
          description: (input.description as string | undefined) ?? null,
          production_environment: Boolean(input.production_environment),
          statuses: [],
        };
        deployments.push(deployment);
        return answer(201, { ...deployment, url: `https://api.github.test${base}/${deployment.id}` });
      }
      const match = new RegExp(`^${base}/(\\d+)/statuses$`).exec(request.url ?? '');
      if (request.method === 'POST' && match) {
        const deployment = deployments.find((d) => d.id === Number(match[1]));
        if (!deployment) return answer(404, { message: 'Not Found' });
        if (!states.includes(String(input.state))) return answer(422, { message: 'Validation Failed' });
        deployment.statuses.push({
          state: String(input.state),
          description: String(input.description ?? ''),
        });
        return answer(201, { id: deployment.statuses.length, state: input.state });
      }
      return answer(404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    deployments,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
