import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Mustache from 'mustache';

/** Stagecoach's own checkout: its bundled templates are found here whatever directory it runs in. */
const bundledRoot = fileURLToPath(new URL('../../', import.meta.url));
const cache = new Map<string, string>();

/** A template that ships with Stagecoach (`templates/...`), resolved against its own checkout. */
export function bundledTemplate(path: string): string {
  return resolve(bundledRoot, path);
}

/**
 * Renders a Markdown template with mustache; values are inserted as written (no HTML escaping).
 * A relative `file` is one of Stagecoach's bundled templates (never the working directory); an
 * absolute one (a plan's template, resolved against WORKSPACE_DIR by its caller) is read afresh
 * each time, so an edit or a fix of it is used at the next send.
 */
export function renderTemplate(file: string, view: Record<string, unknown>): string {
  const bundled = !isAbsolute(file);
  const path = bundled ? bundledTemplate(file) : file;
  let template = bundled ? cache.get(path) : undefined;
  if (template === undefined) {
    template = readFileSync(path, 'utf8');
    if (bundled) cache.set(path, template);
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
