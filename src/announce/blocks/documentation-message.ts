import { actionIds } from '../../deploy/model/action-ids.js';
import { context, type Message, section } from '../../infra/slack/block-kit.js';

export interface DocumentationItem {
  position: number;
  item: string;
  doneBy: string | null;
}

/** Section 7's checklist: one row per document, each with its own [Done] until someone ticks it. */
export function documentationMessage(input: { promptId: number; items: DocumentationItem[] }): Message {
  const done = input.items.filter((item) => item.doneBy).length;
  const blocks = input.items.map((item) =>
    item.doneBy
      ? section(`:white_check_mark: ${item.item} · updated by <@${item.doneBy}>`)
      : {
          type: 'section',
          text: { type: 'mrkdwn', text: `:white_circle: ${item.item}` },
          accessory: {
            type: 'button',
            action_id: actionIds.documentationDone,
            text: { type: 'plain_text', text: 'Done' },
            value: `${input.promptId}:${item.position}`,
          },
        },
  );
  const title = `:books: Documentation updates (${done}/${input.items.length} done)`;
  return {
    text: title,
    blocks: [
      section(`*${title.replace(':books: ', '')}*`),
      ...blocks,
      context('Section 7 of the plan: update each document now that the deployment is complete.'),
    ],
  };
}
