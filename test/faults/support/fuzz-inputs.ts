import { signSlackRequest } from '../../support/slack-requests.js';
import type { Prng } from './prng.js';

export interface FuzzRequest {
  kind: string;
  body: string;
  headers: Record<string, string>;
  /** Bolt answers 401 to a bad signature or an old timestamp, and to nothing else the fuzz sends. */
  expectUnauthorized?: boolean;
}

const words = [
  'start',
  'status',
  'approve',
  'hold',
  'resume',
  'abort',
  'rollback',
  'issue',
  'window',
  'schedule',
  'roles',
  'role',
  'lock',
  'unlock',
  'history',
  'report',
  'help',
  'START',
  'Status',
  'to',
  'production',
  'staging',
  'env-1',
  '--dry-run',
  '--skip-soak',
  '--force',
  'v4.0.0',
  'v4.0.0-rc.1',
  'v4.0.1',
  '4.0.0',
  'v',
  'v9999999999.0.0',
  '#1',
  '#0',
  '1',
  '-1',
  '0x10',
  '99999999999999999999999',
  'NaN',
  '<@U123ABC>',
  '<@UADMIN|admin>',
  '<@ULEAD>',
  '<@>',
  '<#C123|general>',
  '<!channel>',
  'critical',
  'major',
  'minor',
  '2026-12-05T22:00-05:00',
  '2026-02-30T25:61',
  '4h',
  '0s',
  '-5d',
  'PT30M',
  '1w',
  '999999h',
  'deployment_lead',
  'database_admin',
  'project_lead',
  'admin',
  '`',
  '```',
  '*',
  '_',
  '~',
  '>',
  '&amp;',
  '&lt;',
  '\u0000',
  '\u202e',
  '\u200b',
  '💥',
  '🚀🚀',
  'é',
  'ß',
  '\ud800',
  '$(touch /tmp/stagecoach-pwned)',
  '`id`',
  '; rm -rf /',
  '&& reboot',
  '| cat /etc/passwd',
  '{{version}}',
  '{{workspaceDir}}',
  '{{backupFile}}',
  '../../etc/passwd',
  '%00',
  '%',
  '\\',
  '"',
  "'",
  '\n',
  '\r\n',
  '\t',
  'null',
  'undefined',
  '[]',
  '{}',
  '{"a":1}',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  'DROP TABLE deployments;',
];

const users = [
  'USTRANGER',
  'UDBA',
  'UPROJECT',
  'U0RANDOM1',
  'W0ENTERPRISE',
  '',
  'not-a-user',
  'U'.padEnd(300, 'X'),
];
const actionIds = [
  'step_retry',
  'step_mark_done',
  'deploy_abort',
  'deploy_rollback',
  'stage_promote',
  'stage_skip_soak',
  'stage_extend_soak',
  'gonogo_proceed',
  'deploy_resume',
  'restore_confirm',
  'restore_skip',
  'deploy_declare_complete',
  'checkin_ok',
  'checkin_report_issue',
  'alert_ack',
  'unknown_action',
  '',
];
const values = [
  '1',
  '2',
  '3',
  '4',
  '5',
  '0',
  '-1',
  '1.5',
  '1e3',
  'NaN',
  '',
  ' ',
  '9007199254740993',
  'abc',
  '1; DROP TABLE prompts',
  '１',
];

/** Only loopback or unusable addresses: the fuzz must never make the bot talk to the outside. */
const responseUrls = (fakeSlack: (id: string) => string) => [
  fakeSlack('fuzz'),
  fakeSlack('fuzz'),
  'http://127.0.0.1:1/closed',
  'not a url',
  'javascript:alert(1)',
  '',
];

export function createFuzzInputs(
  prng: Prng,
  input: { signingSecret: string; responseUrl: (id: string) => string },
) {
  const sign = (body: string, contentType?: string) => {
    const headers = signSlackRequest(input.signingSecret, body);
    if (contentType) headers['content-type'] = contentType;
    return headers;
  };
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const randomText = () => {
    if (prng.chance(0.05)) return randomUnicode(prng, prng.int(0, 4000));
    const count = prng.int(0, 8);
    const parts = Array.from({ length: count }, () => prng.pick(words));
    return parts.join(prng.pick([' ', '  ', '\t', '\n', '']));
  };
  const common = () => ({
    team_id: prng.pick(['T1', 'T1', '', 'TOTHER']),
    api_app_id: 'A_STAGECOACH',
    response_url: prng.pick(responseUrls(input.responseUrl)),
    trigger_id: `${Date.now()}.${prng.int(0, 1e9)}.${prng.int(0, 1e9).toString(16)}`,
  });

  const command = (): FuzzRequest => {
    const fields: Record<string, string> = {
      command: '/deploy',
      text: randomText(),
      user_id: prng.pick(users),
      user_name: 'fuzz',
      channel_id: prng.pick(['C_DEPLOY', 'C_OTHER', 'D123', '']),
      ...common(),
    };
    if (prng.chance(0.05)) delete fields[prng.pick(Object.keys(fields))];
    const body = form(fields);
    return { kind: 'command', body, headers: sign(body) };
  };

  const blockAction = (): FuzzRequest => {
    const user = prng.pick(users);
    const payload: Record<string, unknown> = {
      type: 'block_actions',
      user: { id: user, name: 'fuzz', team_id: 'T1' },
      team: { id: 'T1', domain: 'fuzz' },
      channel: { id: 'C_DEPLOY', name: 'deploy' },
      container: {
        type: 'message',
        channel_id: 'C_DEPLOY',
        message_ts: '1700000000.000100',
        is_ephemeral: false,
      },
      message: { type: 'message', ts: '1700000000.000100' },
      actions: [
        {
          type: 'button',
          action_id: prng.pick(actionIds),
          block_id: 'fuzz',
          value: prng.pick(values),
          action_ts: '1700000000.1',
        },
      ],
      ...common(),
    };
    // Break the shape in one random place.
    if (prng.chance(0.4)) {
      const key = prng.pick([
        'user',
        'actions',
        'channel',
        'container',
        'message',
        'team',
        'response_url',
        'trigger_id',
      ]);
      payload[key] = prng.pick([
        undefined,
        null,
        42,
        'x',
        [],
        {},
        [{}],
        [null],
        { id: null },
        { id: ['U1'] },
      ]);
    }
    if (prng.chance(0.1))
      (payload.actions as unknown[]) = [
        { type: 'button', action_id: 'stage_promote', value: { nested: true } },
      ];
    const body = form({ payload: JSON.stringify(payload) });
    return { kind: 'block_actions', body, headers: sign(body) };
  };

  const otherSlackType = (): FuzzRequest => {
    const pick = prng.int(0, 6);
    let body: string;
    let contentType: string | undefined;
    switch (pick) {
      case 0:
        body = form({
          payload: JSON.stringify({
            type: 'view_submission',
            user: { id: 'USTRANGER' },
            view: { id: 'V1', callback_id: 'x', state: { values: {} } },
            ...common(),
          }),
        });
        break;
      case 1:
        body = form({
          payload: JSON.stringify({
            type: 'shortcut',
            callback_id: 'deploy',
            user: { id: 'USTRANGER' },
            ...common(),
          }),
        });
        break;
      case 2:
        body = JSON.stringify({
          type: 'event_callback',
          team_id: 'T1',
          api_app_id: 'A1',
          event_id: `Ev${prng.int(0, 1e9)}`,
          event: {
            type: 'app_mention',
            user: 'USTRANGER',
            text: '<@UBOT> start v4.0.0',
            channel: 'C_DEPLOY',
            ts: '1.2',
          },
        });
        contentType = 'application/json';
        break;
      case 3:
        body = JSON.stringify({ type: 'url_verification', challenge: randomUnicode(prng, 20) });
        contentType = 'application/json';
        break;
      case 4:
        body = form({ ssl_check: '1', token: 'x' });
        break;
      case 5:
        body = form({
          payload: JSON.stringify({
            type: 'block_suggestion',
            action_id: 'x',
            value: 'y',
            user: { id: 'USTRANGER' },
            ...common(),
          }),
        });
        break;
      default:
        body = form({
          command: prng.pick(['/other', '/DEPLOY', '/deploy ', '']),
          text: randomText(),
          user_id: 'USTRANGER',
          ...common(),
        });
    }
    return { kind: `slack_type_${pick}`, body, headers: sign(body, contentType) };
  };

  const malformed = (): FuzzRequest => {
    const pick = prng.int(0, 11);
    let body: string;
    let contentType: string | undefined;
    switch (pick) {
      case 0:
        body = randomBytesString(prng, prng.int(0, 2000));
        break;
      case 1:
        body = form({ payload: `{"type":"block_actions",${randomUnicode(prng, 50)}` });
        break;
      case 2:
        body = form({ payload: JSON.stringify(prng.pick([null, 1, 'x', [], [1, 2], true])) });
        break;
      case 3:
        body = '';
        break;
      case 4:
        body = `${'['.repeat(5000)}${']'.repeat(5000)}`;
        contentType = 'application/json';
        break;
      case 5:
        body = form({ payload: `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}` });
        break;
      case 6:
        body =
          'text=a&text=b&command=/deploy&command=/deploy&user_id=USTRANGER&user_id=UDBA&trigger_id=1.2.3&trigger_id=4.5.6';
        break;
      case 7:
        // Broken percent-escapes, as a hand-made client might send.
        body = `command=%2Fdeploy&text=${'%'.repeat(prng.int(1, 10))}%E0%A4%A&user_id=USTRANGER&trigger_id=t${prng.int(0, 1e9)}`;
        break;
      case 8:
        body = form({
          command: '/deploy',
          text: 'status',
          user_id: 'USTRANGER',
          trigger_id: 'x',
          response_url: input.responseUrl('big'),
          filler: 'x'.repeat(prng.int(100_000, 1_000_000)),
        });
        break;
      case 9:
        body = JSON.stringify({ command: '/deploy', text: randomText(), user_id: 'USTRANGER' });
        contentType = 'application/json';
        break;
      case 10:
        body = form({
          payload: JSON.stringify({
            type: 'block_actions',
            actions: 'not-an-array',
            user: 'USTRANGER',
            trigger_id: `t${prng.int(0, 1e9)}`,
          }),
        });
        break;
      default:
        body = form({
          command: '/deploy',
          text: randomText(),
          user_id: 'USTRANGER',
          trigger_id: '',
          response_url: '',
        });
        contentType = prng.pick(['text/plain', 'multipart/form-data', 'application/xml', '']);
    }
    return { kind: `malformed_${pick}`, body, headers: sign(body, contentType) };
  };

  const badSignature = (): FuzzRequest => {
    const body = form({ command: '/deploy', text: 'start v4.0.0', user_id: 'ULEAD', ...common() });
    const headers = prng.chance(0.5)
      ? signSlackRequest(input.signingSecret, body, Math.floor(Date.now() / 1000) - 3600)
      : signSlackRequest('not-the-secret', body);
    return { kind: 'bad_signature', body, headers, expectUnauthorized: true };
  };

  return (): FuzzRequest => {
    const roll = prng.next();
    if (roll < 0.62) return command();
    if (roll < 0.8) return blockAction();
    if (roll < 0.84) return otherSlackType();
    if (roll < 0.97) return malformed();
    return badSignature();
  };
}

function randomUnicode(prng: Prng, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    const range = prng.pick([
      [0x20, 0x7e],
      [0x00, 0x1f],
      [0xa0, 0x2fff],
      [0xd800, 0xdfff],
      [0x1f300, 0x1f6ff],
    ] as const);
    out += String.fromCodePoint(prng.int(range[0], range[1]));
  }
  return out;
}

function randomBytesString(prng: Prng, length: number): string {
  return Array.from({ length }, () => String.fromCharCode(prng.int(0, 255))).join('');
}
