import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Mustache from 'mustache';

const cache = new Map<string, string>();

/** Renders a Markdown template with mustache; values are inserted as written (no HTML escaping). */
export function renderTemplate(file: string, view: Record<string, unknown>): string {
  const path = resolve(file);
  let template = cache.get(path);
  if (template === undefined) {
    template = readFileSync(path, 'utf8');
    cache.set(path, template);
  }
  return Mustache.render(template, view, {}, { escape: (value: unknown) => String(value) });
}

/** Slack mrkdwn from the templates' Markdown: bold, headings and links. */
export function markdownToMrkdwn(markdown: string): string {
  return markdown
    .replace(/^#{1,6}\s+(.*)$/gm, '*$1*')
    .replace(/\*\*(.+?)\*\*/g, '*$1*')
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '<$2|$1>');
}

/** The first heading line, for an email subject or a status page title. */
export function titleOf(markdown: string): string {
  return (/^#\s+(.*)$/m.exec(markdown)?.[1] ?? markdown.split('\n')[0] ?? '').trim();
}
