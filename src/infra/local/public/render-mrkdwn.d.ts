// Types for the console's browser module, so tests can import it.
export interface MrkdwnContext {
  userName(id: string): string | undefined;
  channelName(id: string): string | undefined;
}
export function escapeHtml(text: string): string;
export function renderPlain(text: string, withEmoji?: boolean): string;
export function renderMrkdwn(text: string, ctx: MrkdwnContext): string;
export function formatDateToken(format: string, when: Date, now?: Date): string;
