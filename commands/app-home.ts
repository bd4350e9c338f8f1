import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { buildHome } from '../src/deploy/actions/home.js';
import type { DeployDeps } from '../src/ports.js';

/** app_home_opened: publish the user's Home tab. */
export function appHomeOpened(deps: DeployDeps) {
  return async ({ event, client }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs) => {
    if (event.tab !== 'home') return;
    try {
      await client.views.publish({ user_id: event.user, view: (await buildHome(deps, event.user)) as never });
    } catch (error) {
      deps.log.warn({ err: error, user: event.user }, 'could not publish the App Home');
    }
  };
}
