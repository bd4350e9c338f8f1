// The zod fields a plan is written in, shared by the plan schema and each step kind's schema in src/steps/.
import { z } from 'zod';

/**
 * Every message a plan author can see says what is wrong and what to do about it; the loader
 * splits on this separator and prints one line per problem.
 */
export const fixSeparator = ' — fix: ';
export const says = (what: string, fix: string): string => `${what}${fixSeparator}${fix}`;

/** Where a value sits in the plan, as zod reports it: `['steps', 0, 'run', 'url']`. */
export type FieldPath = (string | number)[];

export const relativePath = z
  .string()
  .min(1, says('must not be empty', 'write a path relative to the workspace'))
  .refine((path) => !/^([/\\]|[A-Za-z]:)/.test(path) && !path.split(/[/\\]/).includes('..'), {
    error: says(
      'must stay inside the workspace',
      "write it relative to WORKSPACE_DIR, without a leading '/' or '..'",
    ),
  });

export const regex = z.string().superRefine((pattern, ctx) => {
  try {
    new RegExp(pattern, 'i');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    ctx.addIssue({
      code: 'custom',
      message: says(
        `is not a valid regular expression (${reason})`,
        'escape special characters such as ( [ . + with a backslash',
      ),
    });
  }
});

const shells = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'fish']);

/** An argument vector run without a shell; the first element is the program. */
export const argv = z
  .array(z.string().min(1, says('an argument is empty', 'remove the empty element')), {
    error: says(
      'expected a list of arguments',
      "write the command as a YAML list, e.g. ['npm', 'run', 'build']",
    ),
  })
  .min(1, says('the command is empty', 'list the program first, then its arguments'))
  .refine(
    // `sh -c` with a substituted value brings back the injection that argv exists to prevent.
    (args) =>
      !(
        shells.has(args[0]?.split('/').pop() ?? '') &&
        args.some((arg) => /^-\w*c/.test(arg)) &&
        args.some((arg) => arg.includes('{{'))
      ),
    {
      error: says(
        'substitutes a variable into a shell script',
        'call the program directly with one argument per element, or move the script into a file',
      ),
    },
  );

/** A URL, or a template that becomes one (`{{healthcheckUrl}}`, `https://{{environment}}.example.com`). */
export const urlTemplate = z.string().refine(
  (url) => {
    const filled = url.replace(/\{\{[^}]*\}\}/g, 'x');
    if (filled === 'x') return true;
    return URL.canParse(filled) && /^https?:$/.test(new URL(filled).protocol);
  },
  {
    error: says(
      'expected an http(s) URL or a template variable',
      "write a full URL such as 'https://api.example.com/healthcheck' or '{{healthcheckUrl}}'",
    ),
  },
);

/** A command's arguments, then its working directory: the strings filled in from template variables. */
export function collectCommandTemplates(spec: {
  command: string[];
  cwd?: string | undefined;
}): [FieldPath, string][] {
  const found = spec.command.map((arg, j): [FieldPath, string] => [['command', j], arg]);
  if (spec.cwd !== undefined) found.push([['cwd'], spec.cwd]);
  return found;
}
