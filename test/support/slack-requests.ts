import { createHmac, randomBytes } from 'node:crypto';

// biome-ignore lint/suspicious/noExplicitAny: ack bodies are whatever the listener chose to send.
type Json = any;

export interface SlackReply {
  status: number;
  text: string;
  /** The body parsed as JSON, when it is JSON. */
  json?: Json;
}

export interface SlackClientOptions {
  /** Where the Bolt HTTPReceiver listens, e.g. http://127.0.0.1:PORT */
  baseUrl: string;
  signingSecret: string;
  /** Where respond() should POST for a given trigger id; usually FakeSlack.responseUrl. */
  responseUrl: (id: string) => string;
  path?: string;
}

export interface CommandOptions {
  user: string;
  userName?: string;
  channel?: string;
  triggerId?: string;
}

export interface ActionOptions {
  user: string;
  channel?: string;
  /** The message holding the button; left out of the payload when not given. */
  messageTs?: string;
  triggerId?: string;
  blockId?: string;
  /** Clicked in the App Home tab: Slack sends a view container and no channel or response_url. */
  fromHome?: boolean;
}

const TEAM_ID = 'T1';
const DEFAULT_CHANNEL = 'C_DEPLOY';
const API_APP_ID = 'A_STAGECOACH';

/** Headers Slack would send: Bolt rejects a body whose signature or timestamp does not match. */
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

/** Sends slash commands and button clicks to a real Bolt receiver, signed as Slack signs them. */
export function createSlackClient({
  baseUrl,
  signingSecret,
  responseUrl,
  path = '/slack/events',
}: SlackClientOptions) {
  const endpoint = new URL(path, baseUrl);

  const raw = async (body: string, headers: Record<string, string>): Promise<SlackReply> => {
    const response = await fetch(endpoint, { method: 'POST', headers, body });
    const text = await response.text();
    return { status: response.status, text, json: parseJson(text) };
  };
  const send = (fields: Record<string, string>) => {
    // Sign the exact string sent: the signature covers the raw bytes.
    const body = new URLSearchParams(fields).toString();
    return raw(body, signSlackRequest(signingSecret, body));
  };

  return {
    command(
      text: string,
      { user, userName, channel = DEFAULT_CHANNEL, triggerId = newTriggerId() }: CommandOptions,
    ) {
      return send({
        command: '/deploy',
        text,
        user_id: user,
        user_name: userName ?? user.toLowerCase(),
        channel_id: channel,
        team_id: TEAM_ID,
        api_app_id: API_APP_ID,
        response_url: responseUrl(triggerId),
        trigger_id: triggerId,
      });
    },

    action(actionId: string, value: string, options: ActionOptions) {
      const {
        user,
        channel = DEFAULT_CHANNEL,
        messageTs,
        triggerId = newTriggerId(),
        blockId = actionId,
      } = options;
      const payload = {
        type: 'block_actions',
        user: { id: user, name: user.toLowerCase(), username: user.toLowerCase(), team_id: TEAM_ID },
        team: { id: TEAM_ID, domain: 'stagecoach-test' },
        api_app_id: API_APP_ID,
        ...(options.fromHome
          ? { container: { type: 'view', view_id: 'V_HOME' }, view: { id: 'V_HOME', type: 'home' } }
          : {
              channel: { id: channel, name: channel.toLowerCase() },
              container: {
                type: 'message',
                channel_id: channel,
                is_ephemeral: false,
                ...(messageTs ? { message_ts: messageTs } : {}),
              },
              ...(messageTs ? { message: { type: 'message', ts: messageTs } } : {}),
              response_url: responseUrl(triggerId),
            }),
        actions: [{ type: 'button', action_id: actionId, block_id: blockId, value, action_ts: nowTs() }],
        trigger_id: triggerId,
      };
      return send({ payload: JSON.stringify(payload) });
    },

    /**
     * Submits a modal as Slack does (a signed view_submission): `values` by input block id, each
     * a text or a selected option. The answer is the HTTP body: empty when the modal closes, or
     * `{ response_action: 'errors', errors }`.
     */
    viewSubmission(
      view: { callback_id: string; private_metadata?: string },
      values: Record<string, { text?: string; option?: string }>,
      { user }: { user: string },
    ) {
      const state = Object.fromEntries(
        Object.entries(values).map(([block, input]) => [
          block,
          {
            value:
              input.option !== undefined
                ? {
                    type: 'static_select',
                    selected_option: {
                      value: input.option,
                      text: { type: 'plain_text', text: input.option },
                    },
                  }
                : { type: 'plain_text_input', value: input.text ?? null },
          },
        ]),
      );
      const payload = {
        type: 'view_submission',
        team: { id: TEAM_ID, domain: 'stagecoach-test' },
        user: { id: user, name: user.toLowerCase(), username: user.toLowerCase(), team_id: TEAM_ID },
        api_app_id: API_APP_ID,
        trigger_id: newTriggerId(),
        view: {
          id: `V${randomBytes(5).toString('hex').toUpperCase()}`,
          type: 'modal',
          callback_id: view.callback_id,
          private_metadata: view.private_metadata ?? '',
          team_id: TEAM_ID,
          app_id: API_APP_ID,
          state: { values: state },
          hash: randomBytes(6).toString('hex'),
        },
        response_urls: [],
      };
      return send({ payload: JSON.stringify(payload) });
    },

    raw,
  };
}

// Shaped like Slack's ('13345224609.738474920.8088930838d88f008e0') and unique, since the bot
// dedupes requests on it.
function newTriggerId(): string {
  const now = Date.now();
  return `${Math.floor(now / 1000)}.${now % 1000}${randomBytes(3).readUIntBE(0, 3)}.${randomBytes(10).toString('hex')}`;
}

function nowTs(): string {
  return (Date.now() / 1000).toFixed(6);
}

function parseJson(text: string): Json {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
