import { clip, plain, section } from '../../infra/slack/block-kit.js';

/** Modal callback ids: one per form a person fills in instead of typing a command. */
export const modalIds = {
  reportIssue: 'modal_report_issue',
  rollback: 'modal_rollback',
  resume: 'modal_resume',
  resolveIssue: 'modal_resolve_issue',
  promoteEarly: 'modal_promote_early',
} as const;
export type ModalId = (typeof modalIds)[keyof typeof modalIds];

/** What a modal carries from the click to its submission (Slack's private_metadata). */
export interface ModalContext {
  promptId: number;
  deploymentId: number;
}

/** Input block ids and the one action id each input uses. */
export const modalFields = { severity: 'severity', text: 'text' } as const;
export const modalInputAction = 'value';

type View = Record<string, unknown>;

function modal(
  callbackId: ModalId,
  title: string,
  submit: string,
  context: ModalContext,
  blocks: unknown[],
): View {
  return {
    type: 'modal',
    callback_id: callbackId,
    title: plain(clip(title, 24)),
    submit: plain(clip(submit, 24)),
    close: plain('Cancel'),
    private_metadata: JSON.stringify(context),
    blocks,
  };
}

function textInput(
  label: string,
  placeholder: string,
  options: { multiline?: boolean; optional?: boolean } = {},
) {
  return {
    type: 'input',
    block_id: modalFields.text,
    optional: options.optional ?? false,
    label: plain(label),
    element: {
      type: 'plain_text_input',
      action_id: modalInputAction,
      multiline: options.multiline ?? true,
      max_length: 1000,
      placeholder: plain(placeholder),
    },
  };
}

const severities = [
  ['critical', 'Critical: pages the leads, offers rollback'],
  ['major', 'Major: tracked until fixed forward'],
  ['minor', 'Minor: documented for a later sprint'],
] as const;

/** [Report issue] on a check-in: severity and what is wrong, like `/deploy issue`. */
export function reportIssueModal(context: ModalContext, deployment: string): View {
  return modal(modalIds.reportIssue, 'Report an issue', 'Report', context, [
    section(`On deployment ${deployment}. The severity decides who is paged and what happens next.`),
    {
      type: 'input',
      block_id: modalFields.severity,
      label: plain('Severity'),
      element: {
        type: 'static_select',
        action_id: modalInputAction,
        placeholder: plain('How bad is it?'),
        options: severities.map(([value, text]) => ({ text: plain(text), value })),
      },
    },
    textInput('What is wrong?', 'What users see, since when, where'),
  ]);
}

/** [Roll back]: the reason is required; the irreversible part is said before the submit button. */
export function rollbackModal(
  context: ModalContext,
  deployment: string,
  previousVersion: string | null,
): View {
  const to = previousVersion ?? 'the previous version';
  return modal(modalIds.rollback, `Roll back to ${to}`, 'Roll back', context, [
    section(
      `:warning: Production goes back to *${to}* (deployment ${deployment}) and every pending timer is cancelled. This cannot be undone; a database restore, if needed, is asked for separately.`,
    ),
    textInput('Why roll back?', 'What you saw: it goes to the thread, management and the report'),
  ]);
}

/** [Resume] on a held deployment: why it is safe to go on. */
export function resumeModal(context: ModalContext, deployment: string): View {
  return modal(modalIds.resume, 'Resume deployment', 'Resume', context, [
    section(`Deployment ${deployment} continues where it was held.`),
    textInput('Why is it safe to go on?', 'e.g. the go decision was made in the bridge call'),
  ]);
}

/** [Resolved] on an issue: how it was resolved, kept with the issue and in the report. */
export function resolveIssueModal(context: ModalContext, issue: string): View {
  return modal(modalIds.resolveIssue, 'Resolve issue', 'Resolve', context, [
    section(`Issue: ${clip(issue, 2500)}`),
    textInput('How was it resolved?', 'The fix, or why it needs none'),
  ]);
}

/**
 * [Promote early…] on a soaking stage: the reason is required, and what is skipped is said before
 * the submit button (the form is the confirmation).
 */
export function promoteEarlyModal(
  context: ModalContext,
  input: { deployment: string; stage: string; to: string; soakEnds: string | undefined },
): View {
  const ends = input.soakEnds ? ` (it ends ${input.soakEnds})` : '';
  return modal(modalIds.promoteEarly, 'Promote early', 'Promote now', context, [
    section(
      `:warning: The rest of the *${input.stage}* soak is skipped${ends} and deployment ${input.deployment} is promoted to *${input.to}* now. The early promotion is flagged in the audit log and the report.`,
    ),
    textInput('Why promote before the soak ends?', 'e.g. hotfix for a clinic outage; metrics clean for 6 h'),
  ]);
}
