import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { Answer, CommandContext } from '../src/command-context.js';
import { answer as sendAnswer } from '../src/infra/slack/answer.js';
import { isFirstDelivery } from '../src/infra/slack/dedupe.js';
import { type DeployCommand, parseCommand } from '../src/infra/slack/parse-command.js';
import { userMessage } from '../src/infra/slack/user-message.js';
import type { DeployDeps } from '../src/ports.js';
import {
  ack,
  allGood,
  complete,
  extend,
  go,
  keepDb,
  markDone,
  noAutoRollback,
  resolve,
  restoreDb,
  retry,
} from './decisions.js';
import { help } from './help.js';
import { history } from './history.js';
import { issue } from './issue.js';
import { report } from './report.js';
import { role, roleRemove, roles } from './roles.js';
import { schedule, window } from './schedule.js';
import { start } from './start.js';
import { status } from './status.js';
import { abort, approve, hold, lock, resume, rollback, unlock } from './steer.js';

/** Every subcommand the parser accepts has a handler: a missing one is a type error, not a runtime answer. */
type Handlers = {
  [N in DeployCommand['name']]: (
    command: Extract<DeployCommand, { name: N }>,
    context: CommandContext,
  ) => Promise<Answer>;
};

const handlers: Handlers = {
  help,
  start,
  status,
  roles,
  role,
  role_remove: roleRemove,
  abort,
  approve,
  hold,
  resume,
  rollback,
  lock,
  unlock,
  window,
  schedule,
  issue,
  report,
  history,
  retry,
  mark_done: markDone,
  extend,
  go,
  restore_db: restoreDb,
  keep_db: keepDb,
  complete,
  all_good: allGood,
  ack,
  no_auto_rollback: noAutoRollback,
  resolve,
};

/** The `/deploy` listener: parse, ack within Slack's 3 s, run the subcommand, answer. */
export function deployCommand(deps: DeployDeps) {
  return async ({ command, ack, respond }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    const parsed = parseCommand(command.text ?? '');
    if (!parsed.ok) {
      await ack({ response_type: 'ephemeral', text: parsed.error });
      return;
    }
    const handler = handlers[parsed.command.name] as (
      c: DeployCommand,
      ctx: CommandContext,
    ) => Promise<Answer>;
    await ack();
    const log = deps.log.child({ command: parsed.command.name, user: command.user_id });
    if (!(await isFirstDelivery(deps.db, command as unknown as Record<string, unknown>, log))) return;
    let answer: Answer;
    try {
      answer = await handler(parsed.command, {
        deps: { ...deps, log },
        userId: command.user_id,
        channelId: command.channel_id,
      });
    } catch (error) {
      answer = userMessage(error, log);
    }
    const body = typeof answer === 'string' ? { text: answer } : { text: answer.text, blocks: answer.blocks };
    const inChannel = typeof answer !== 'string' && answer.inChannel;
    await sendAnswer(respond, { response_type: inChannel ? 'in_channel' : 'ephemeral', ...body }, log);
  };
}
