/** Every kind of timer: closed, so the handler table in flow/fire-timer.ts must name each one. */
export const timerKinds = [
  'soak_end',
  'go_no_go',
  'check_in',
  'review',
  'success_check',
  'auto_rollback',
  'report',
  'window_item',
] as const;
export type TimerKind = (typeof timerKinds)[number];
