import { actionIds } from '../../deploy/model/action-ids.js';
import { actions, type ButtonSpec, context, type Message, section } from '../../infra/slack/block-kit.js';
import { rollbackButton } from '../buttons.js';

export interface IssueView {
  id: number;
  severity: 'critical' | 'major' | 'minor';
  description: string;
  reportedBy: string;
  owner: string | null;
}

const icons = {
  critical: ':red_circle:',
  major: ':large_orange_circle:',
  minor: ':large_yellow_circle:',
} as const;

/** An issue in the thread, with the response protocol of section 4.3 and only the buttons that apply. */
export function issueMessage(input: {
  issue: IssueView;
  protocol: string;
  promptId: number;
  canRollBack: boolean;
  afterWindow: boolean;
}): Message {
  const { issue } = input;
  const text = `${icons[issue.severity]} *${issue.severity[0]?.toUpperCase()}${issue.severity.slice(1)} issue #${issue.id}* reported by <@${issue.reportedBy}>: ${issue.description}`;
  const buttons: ButtonSpec[] = [];
  if (issue.severity === 'critical' && input.canRollBack) {
    buttons.push(rollbackButton(String(input.promptId)));
  }
  if (issue.severity !== 'minor')
    buttons.push({
      actionId: actionIds.resolveIssue,
      text: 'Resolved',
      value: String(input.promptId),
      style: 'primary',
    });
  const notes = [
    `Protocol: ${input.protocol}`,
    ...(issue.severity === 'critical' && input.afterWindow
      ? ['Outside the rollback window: the deployment has ended, so fix forward with a priority patch.']
      : []),
    ...(issue.owner ? [`Owner: <@${issue.owner}>`] : []),
    ...(issue.severity !== 'minor'
      ? ['Open critical and major issues hold back the success declaration.']
      : ['Documented for an upcoming sprint.']),
  ];
  return {
    text: text.replaceAll('*', ''),
    blocks: [
      section(text),
      context(notes.join(' · ')),
      ...(buttons.length > 0 ? [actions(`prompt-${input.promptId}`, buttons)] : []),
    ],
  };
}
