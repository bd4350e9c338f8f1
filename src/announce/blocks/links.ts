import type { Block } from '../../infra/slack/block-kit.js';
import { clip, plain } from '../../infra/slack/block-kit.js';

/** Action ids of link buttons: Slack still reports their clicks, which the app acknowledges and ignores. */
export const linkActionPattern = /^link_\d+$/;

/**
 * The plan's links (dashboards, logs, CI, the runbook) as link buttons, with `{{version}}`,
 * `{{environment}}` and `{{deploymentId}}` filled in for this deployment. None: no block.
 */
export function linksBlock(
  links: readonly { label: string; url: string }[],
  deployment: { id: number; version: string; environment: string },
): Block | undefined {
  if (links.length === 0) return undefined;
  const vars: Record<string, string> = {
    version: deployment.version,
    environment: deployment.environment,
    deploymentId: String(deployment.id),
  };
  const fill = (url: string) =>
    url.replace(/\{\{\s*(\w+)\s*\}\}/g, (match, name: string) => encodeURIComponent(vars[name] ?? match));
  return {
    type: 'actions',
    block_id: 'links',
    elements: links.map((link, i) => ({
      type: 'button',
      action_id: `link_${i}`,
      text: plain(clip(link.label, 75)),
      url: clip(fill(link.url), 3000),
    })),
  };
}
