import { Octokit } from '@octokit/rest';
import type { Notifier } from './notifier.js';

/**
 * GitHub deployments through Octokit: a `create` makes the deployment of the version's ref in its
 * environment (its id is kept as the external id); a `status` posts a deployment status to it.
 * A repeated create would make a second deployment, so creates are not duplicate-safe: the
 * outbox's claim makes them once. Statuses are harmless to repeat.
 */
export function gitHubNotifier(config: { token: string; repository: string; apiUrl: string }): Notifier {
  const octokit = new Octokit({ auth: config.token, baseUrl: config.apiUrl, userAgent: 'stagecoach' });
  const [owner = '', repo = ''] = config.repository.split('/');
  return {
    duplicateSafe: false,
    async send(notification, context) {
      const event = notification.message.github;
      if (!event) throw new Error('a github notification without an event');
      if (event.action === 'create') {
        const created = await octokit.rest.repos.createDeployment({
          owner,
          repo,
          ref: event.ref,
          environment: event.environment,
          description: event.description.slice(0, 140),
          auto_merge: false,
          // Stagecoach deploys what CI already built and tested; it does not wait on checks here.
          required_contexts: [],
          production_environment: event.production,
          payload: { stagecoachDeployment: event.deploymentId },
          request: { signal: context.signal },
        });
        const id = (created.data as { id?: number }).id;
        if (typeof id !== 'number')
          throw new Error(
            `GitHub did not create the deployment: ${JSON.stringify(created.data).slice(0, 200)}`,
          );
        return { externalId: String(id) };
      }
      // Its create is sent first (same sequence); until GitHub has it, try again later.
      if (!context.githubDeploymentId) throw new Error('the GitHub deployment is not created yet');
      await octokit.rest.repos.createDeploymentStatus({
        owner,
        repo,
        deployment_id: Number(context.githubDeploymentId),
        state: event.state,
        description: event.description.slice(0, 140),
        auto_inactive: event.state === 'success',
        request: { signal: context.signal },
      });
      return {};
    },
  };
}
