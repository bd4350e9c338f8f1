/** Minimal Block Kit builders: plain data, so message builders stay pure and easy to snapshot. */
export interface Message {
  text: string;
  blocks: Block[];
}
export type Block = Record<string, unknown>;

export const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
export const plain = (text: string) => ({ type: 'plain_text', text, emoji: true });

/** Cuts by code point, so a limit never splits an emoji in half. */
export const clip = (text: string, limit: number) =>
  text.length <= limit ? text : `${[...text].slice(0, limit - 1).join('')}…`;

export const header = (text: string): Block => ({ type: 'header', text: plain(clip(text, 150)) });
export const section = (text: string): Block => ({ type: 'section', text: mrkdwn(clip(text, 3000)) });
export const fields = (items: string[]): Block => ({
  type: 'section',
  fields: items.slice(0, 10).map(mrkdwn),
});
export const context = (text: string): Block => ({ type: 'context', elements: [mrkdwn(clip(text, 3000))] });
export const divider = (): Block => ({ type: 'divider' });

export interface ConfirmDialog {
  title: string;
  text: string;
  confirm: string;
  deny?: string;
  style?: 'danger' | 'primary';
}

export interface ButtonSpec {
  actionId: string;
  text: string;
  value: string;
  style?: 'primary' | 'danger';
  confirm?: ConfirmDialog;
}

export function actions(blockId: string, buttons: ButtonSpec[]): Block {
  return {
    type: 'actions',
    block_id: blockId,
    elements: buttons.map((button) => ({
      type: 'button',
      action_id: button.actionId,
      text: plain(button.text),
      value: button.value,
      ...(button.style ? { style: button.style } : {}),
      ...(button.confirm
        ? {
            confirm: {
              title: plain(button.confirm.title.slice(0, 100)),
              text: plain(button.confirm.text.slice(0, 300)),
              confirm: plain(button.confirm.confirm.slice(0, 30)),
              deny: plain((button.confirm.deny ?? 'Cancel').slice(0, 30)),
              ...(button.confirm.style ? { style: button.confirm.style } : {}),
            },
          }
        : {}),
    })),
  };
}

/** A code block that fits Slack's 3000-character section limit, keeping the end (where errors are). */
export function codeBlock(text: string, limit = 2800): string {
  const trimmed = text.length > limit ? `…${text.slice(text.length - limit)}` : text;
  return `\`\`\`${trimmed.replaceAll('```', "'''") || ' '}\`\`\``;
}
