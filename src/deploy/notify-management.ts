import { note } from '../slack/blocks/rollout-messages.js';
import type { DeployDeps } from './deps.js';

/** A one-line milestone ping to the management channel. */
export async function notifyManagement(deps: DeployDeps, deploymentId: number, text: string): Promise<void> {
  await deps.messenger.post(deps.settings.channels.management, note(`${text} (deployment #${deploymentId})`));
}
