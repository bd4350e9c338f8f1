import { createHmac, randomBytes } from 'node:crypto';

// biome-ignore lint/suspicious/noExplicitAny: a modal's view as Slack shapes it, read field by field.
type Json = any;

/** The workspace the stand-in pretends to be. */
export const localTeam = { id: 'T1', domain: 'stagecoach-local', appId: 'A_STAGECOACH' } as const;

/** Headers Slack sends with a request: the v0 HMAC of `v0:<timestamp>:<body>` under the signing secret. */
export function signSlackRequest(
  signingSecret: string,
  body: string,
  timestamp = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const signature = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex');
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': `v0=${signature}`,
  };
}

/** Shaped like Slack's trigger ids ('13345224609.738474920.8088930838d88f008e0') and unique. */
export function newTriggerId(): string {
  const now = Date.now();
  return `${Math.floor(now / 1000)}.${now % 1000}${randomBytes(3).readUIntBE(0, 3)}.${randomBytes(10).toString('hex')}`;
}

export interface CommandForm {
  text: string;
  user: { id: string; handle: string };
  channel: { id: string; name: string };
  responseUrl: string;
  triggerId: string;
}

/** The form Slack POSTs for `/deploy <text>`. */
export function slashCommandBody(form: CommandForm): string {
  return new URLSearchParams({
    token: 'local-verification-token',
    team_id: localTeam.id,
    team_domain: localTeam.domain,
    channel_id: form.channel.id,
    channel_name: form.channel.name,
    user_id: form.user.id,
    user_name: form.user.handle,
    command: '/deploy',
    text: form.text,
    api_app_id: localTeam.appId,
    is_enterprise_install: 'false',
    response_url: form.responseUrl,
    trigger_id: form.triggerId,
  }).toString();
}

export interface ActionForm {
  user: { id: string; handle: string };
  channel: { id: string; name: string };
  /** The message holding the button, as the stand-in stores it. */
  message: {
    ts: string;
    thread_ts?: string | undefined;
    text: string;
    blocks: unknown[];
    ephemeral: boolean;
  };
  action: { actionId: string; blockId: string; value: string; text?: string | undefined };
  responseUrl: string;
  triggerId: string;
}

/** The form Slack POSTs when someone clicks a button: one `payload` field holding block_actions JSON. */
export function blockActionsBody(form: ActionForm): string {
  const { user, channel, message, action } = form;
  const slackUser = { id: user.id, username: user.handle, name: user.handle, team_id: localTeam.id };
  const actionTs = (Date.now() / 1000).toFixed(6);
  const payload = {
    type: 'block_actions',
    user: slackUser,
    api_app_id: localTeam.appId,
    token: 'local-verification-token',
    container: {
      type: 'message',
      message_ts: message.ts,
      channel_id: channel.id,
      is_ephemeral: message.ephemeral,
      ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
    },
    trigger_id: form.triggerId,
    team: { id: localTeam.id, domain: localTeam.domain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel.id, name: channel.name },
    // Slack leaves the message out of clicks on ephemeral messages.
    ...(message.ephemeral
      ? {}
      : {
          message: {
            type: 'message',
            user: 'UBOT',
            bot_id: 'BBOT',
            ts: message.ts,
            text: message.text,
            blocks: message.blocks,
            ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
          },
        }),
    state: { values: {} },
    response_url: form.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: action.actionId,
        block_id: action.blockId,
        value: action.value,
        ...(action.text ? { text: { type: 'plain_text', text: action.text, emoji: true } } : {}),
        action_ts: actionTs,
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/**
 * The form Slack POSTs when someone submits a modal: `values` by input block id (a typed text or a
 * chosen option), read into view.state.values the way Slack shapes them.
 */
export function viewSubmissionBody(input: {
  user: { id: string; handle: string };
  view: Json;
  values: Record<string, { text?: string; option?: string }>;
  triggerId: string;
}): string {
  const { user, view, values } = input;
  const state = Object.fromEntries(
    Object.entries(values).map(([block, value]) => {
      const actionId = inputActionId(view, block);
      return [
        block,
        {
          [actionId]:
            value.option !== undefined
              ? {
                  type: 'static_select',
                  selected_option: { value: value.option, text: { type: 'plain_text', text: value.option } },
                }
              : { type: 'plain_text_input', value: value.text ?? null },
        },
      ];
    }),
  );
  const payload = {
    type: 'view_submission',
    team: { id: localTeam.id, domain: localTeam.domain },
    user: { id: user.id, username: user.handle, name: user.handle, team_id: localTeam.id },
    api_app_id: localTeam.appId,
    token: 'local-verification-token',
    trigger_id: input.triggerId,
    view: { ...view, state: { values: state }, hash: String(Date.now()) },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** The action id of the input element in block `blockId` of a modal. */
function inputActionId(view: Json, blockId: string): string {
  const blocks: Json[] = Array.isArray(view?.blocks) ? view.blocks : [];
  const block = blocks.find((b) => b?.block_id === blockId);
  return String(block?.element?.action_id ?? 'value');
}
