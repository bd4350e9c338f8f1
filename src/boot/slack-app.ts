import { App, type Logger as BoltLogger, type CustomRoute, HTTPReceiver, LogLevel } from '@slack/bolt';
import { appHomeOpened } from '../../commands/app-home.js';
import { decisionButton, decisionButtons } from '../../commands/decision-buttons.js';
import { deployCommand } from '../../commands/deploy.js';
import { documentationButton } from '../../commands/documentation-button.js';
import { fullOutputButton } from '../../commands/full-output-button.js';
import { linkButton } from '../../commands/link-buttons.js';
import { modalButton } from '../../commands/modal-buttons.js';
import { modalSubmission } from '../../commands/modal-submissions.js';
import { linkActionPattern } from '../announce/blocks/links.js';
import { modalButtons, modalIds } from '../deploy/actions/modal-forms.js';
import { actionIds } from '../deploy/model/action-ids.js';
import { dedupeRequests } from '../infra/slack/dedupe.js';
import { answerUnreadablePayloads, guardEventBodies, slackBodyLimits } from '../infra/slack/guard-bodies.js';
import { measureAck } from '../infra/slack/measure-ack.js';
import type { Logger } from '../log.js';
import type { DeployDeps } from '../ports.js';

export interface SlackAppOptions {
  deps: DeployDeps;
  botToken: string;
  signingSecret: string;
  apiUrl?: string | undefined;
  appToken?: string | undefined;
  /** Tests hold the HTTP answer until the listener finished; production answers at ack(). */
  processBeforeResponse?: boolean;
  customRoutes?: CustomRoute[];
  retries?: number;
}

/** Bolt wiring: the receiver, middleware and listeners. No logic lives here. */
export function createSlackApp(options: SlackAppOptions) {
  const logger = boltLogger(options.deps.log);
  const clientOptions = {
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
    retryConfig: { retries: options.retries ?? 3, factor: 2, minTimeout: 500, maxTimeout: 10_000 },
  };
  const endpoints = ['/slack/events'];
  const receiver = options.appToken
    ? undefined
    : new HTTPReceiver({
        signingSecret: options.signingSecret,
        endpoints,
        processBeforeResponse: options.processBeforeResponse ?? false,
        // The guard below reads first, within its tighter caps; this only bounds what it lets through.
        bodyLimit: slackBodyLimits.json,
        customRoutes: options.customRoutes ?? [],
        // A payload of the wrong shape (`"user":null`) makes Bolt throw before any listener: a 400, not a 500.
        processEventErrorHandler: answerUnreadablePayloads(options.deps.log),
        logger,
      });
  // Bolt throws on a signed body that is not an object (`payload=null`): answer those 400 before it sees them.
  if (receiver)
    guardEventBodies(receiver, { signingSecret: options.signingSecret, endpoints, log: options.deps.log });
  const app = new App({
    token: options.botToken,
    ...(receiver
      ? { receiver }
      : {
          socketMode: true,
          appToken: options.appToken,
          signingSecret: options.signingSecret,
          // SLACK_API_URL holds for the Socket Mode connection too (apps.connections.open), not only
          // for the bot's calls; Bolt hands the socket client only the installer's client options.
          ...(options.apiUrl ? { installerOptions: { clientOptions: { slackApiUrl: options.apiUrl } } } : {}),
        }),
    clientOptions,
    logger,
    deferInitialization: true,
  });
  const { deps } = options;
  app.use(measureAck(deps.metrics));
  app.use(dedupeRequests(deps.db));
  app.command('/deploy', deployCommand(deps));
  app.event('app_home_opened', appHomeOpened(deps));
  for (const [actionId, decision] of Object.entries(decisionButtons)) {
    app.action<never>(actionId, decisionButton(deps, decision) as never);
  }
  for (const [actionId, modal] of Object.entries(modalButtons)) {
    app.action<never>(actionId, modalButton(deps, modal) as never);
  }
  app.action<never>(linkActionPattern, linkButton() as never);
  for (const modal of Object.values(modalIds)) {
    app.view<never>(modal, modalSubmission(deps, modal) as never);
  }
  app.action<never>(actionIds.documentationDone, documentationButton(deps) as never);
  app.action<never>(actionIds.fullOutput, fullOutputButton(deps) as never);
  // Must not throw: answerUnreadablePayloads relies on listener errors ending here.
  app.error(async (error) => {
    deps.log.error({ err: error }, 'unhandled error in a Slack listener');
  });
  return { app, receiver };
}

/** Routes Bolt's own logging into pino. */
function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ component: 'bolt' });
  let level = LogLevel.INFO;
  return {
    debug: (...msgs) => child.debug(msgs.map(String).join(' ')),
    info: (...msgs) => child.info(msgs.map(String).join(' ')),
    warn: (...msgs) => child.warn(msgs.map(String).join(' ')),
    error: (...msgs) => child.error(msgs.map(String).join(' ')),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
