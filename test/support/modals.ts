import type { Harness } from './harness.js';
import { waitUntil } from './wait.js';

type View = { callback_id: string; private_metadata?: string; title?: { text: string }; blocks?: unknown[] };

/** The modal a click opened (the views.open call after `before`), as Slack would show it. */
export async function openedView(h: Pick<Harness, 'slack'>, before: number): Promise<View> {
  return waitUntil(() => h.slack.callsOf('views.open')[before]?.args.view as View | undefined, {
    label: 'a modal to open',
  });
}

/**
 * Clicks a button that opens a modal, then submits the modal as that person: `text` for the
 * reason or description, `severity` for the report-issue form. Returns the submission's answer.
 */
export async function clickAndSubmit(
  h: Pick<Harness, 'slack' | 'client'>,
  click: { actionId: string; value: string; messageTs?: string; user: string },
  form: { text?: string; severity?: string },
) {
  const before = h.slack.callsOf('views.open').length;
  await h.client.action(click.actionId, click.value, {
    user: click.user,
    ...(click.messageTs ? { messageTs: click.messageTs } : {}),
  });
  const view = await openedView(h, before);
  return h.client.viewSubmission(
    view,
    {
      ...(form.severity !== undefined ? { severity: { option: form.severity } } : {}),
      text: { text: form.text ?? '' },
    },
    { user: click.user },
  );
}
