/** Every kind of prompt the bot posts and people answer: closed, so a forgotten kind is a type error. */
export const promptKinds = [
  'promotion',
  'go_no_go',
  'held',
  'step_failed',
  'step_interrupted',
  'rollback_failed',
  'restore_database',
  'declare_complete',
  'check_in',
  'alert',
  'issue',
  'documentation',
] as const;
export type PromptKind = (typeof promptKinds)[number];

/** Prompts that outlive a step of the rollout: a decision that moves the deployment leaves them open. */
export const lastingPromptKinds: readonly PromptKind[] = ['check_in', 'alert', 'issue', 'documentation'];
