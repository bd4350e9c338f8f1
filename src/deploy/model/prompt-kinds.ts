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
  // A soaking stage's message: it offers [Promote early…] but waits on nobody.
  'soaking',
] as const;
export type PromptKind = (typeof promptKinds)[number];

/** Prompts that outlive a step of the rollout: a decision that moves the deployment leaves them open. */
export const lastingPromptKinds: readonly PromptKind[] = ['check_in', 'alert', 'issue', 'documentation'];

/** Prompts that offer a choice without waiting on anyone: never listed as a decision that is due. */
export const optionalPromptKinds: readonly PromptKind[] = ['soaking'];
