/**
 * One small family of coded errors. A person sees a coded error's message as it is (userMessage in
 * src/infra/slack/user-message.ts), so each message says what to do next.
 */
export const errorCodes = [
  'bad_input',
  'forbidden',
  'invalid_version',
  'locked',
  'already_active',
  'not_found',
  'conflict',
  'invalid_plan',
  'invalid_config',
  'unavailable',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export class AppError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
