import { readFileSync } from 'node:fs';
import {
  type Document,
  isMap,
  isNode,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type YAMLError,
} from 'yaml';
import type { z } from 'zod';
import { AppError } from '../errors.js';
import { durationMessage } from './duration.js';
import { fixSeparator, says } from './fields.js';
import { type Plan, planSchema } from './schema.js';

const example = 'compare with templates/plans/medplum-v4.yaml';

/** Reads and validates the plan at start-up; every problem becomes one line of the error. */
export function loadPlan(file: string): Plan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new AppError(
      'invalid_plan',
      `${file}: ${says(`cannot read the plan (${reason})`, 'set PLAN_FILE to an existing plan file')}`,
      {
        cause: error,
      },
    );
  }
  return parsePlan(text, file);
}

/** Like loadPlan, from text; `fileName` only labels the messages. */
export function parsePlan(text: string, fileName: string): Plan {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    throw new AppError('invalid_plan', doc.errors.map((error) => syntaxLine(fileName, error)).join('\n'));
  }
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    // toJS refuses alias bombs ("Excessive alias count").
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError(
      'invalid_plan',
      `${fileName}: ${says(reason, 'write the values out instead of repeating aliases')}`,
    );
  }
  const result = planSchema.safeParse(data, { reportInput: true, error: describeIssue });
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => issueLine(fileName, issue, doc, lineCounter));
  throw new AppError('invalid_plan', lines.join('\n'));
}

function syntaxLine(fileName: string, error: YAMLError): string {
  const what = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  const at = error.linePos ? `line ${error.linePos[0].line}, column ${error.linePos[0].col}` : 'YAML';
  const fix =
    error.code === 'DUPLICATE_KEY'
      ? 'remove or rename one of the two keys'
      : error.code === 'TAB_AS_INDENT'
        ? 'indent with spaces, not tabs'
        : 'check the indentation and quoting on that line';
  return `${fileName}: ${at}: ${says(`YAML syntax error: ${what}`, fix)}`;
}

function issueLine(
  fileName: string,
  issue: z.core.$ZodIssue,
  doc: Document,
  lineCounter: LineCounter,
): string {
  const path = issue.path.filter((key): key is string | number => typeof key !== 'symbol');
  let message = issue.message;
  const key = path.at(-1);
  if (issue.code === 'invalid_type' && issue.input === undefined && typeof key === 'string') {
    // Schema-specific wording (e.g. "expected a duration ...") becomes the hint for what to add.
    const what = message.split(fixSeparator)[0] ?? message;
    if (what !== 'is missing') message = says('is missing', `add ${key} (${what})`);
  }
  if (!message.includes(fixSeparator)) {
    let fix = issue.code === 'custom' && typeof issue.params?.fix === 'string' ? issue.params.fix : example;
    // A bare number is the usual slip: `timeout: 45` has no unit.
    if (message === durationMessage && typeof issue.input === 'number')
      fix = `add a unit, e.g. '${issue.input}m' for minutes`;
    message = says(message, fix);
  }
  const linePath = issue.code === 'unrecognized_keys' ? [...path, ...issue.keys.slice(0, 1)] : path;
  const line = lineOf(doc, lineCounter, linePath);
  const where = path.length > 0 ? `${formatPath(path)}: ` : '';
  return `${fileName}: ${where}${message}${line === undefined ? '' : ` (line ${line})`}`;
}

/** `['stages', 1, 'percent']` → `stages[1].percent`, the way the YAML reads. */
export function formatPath(path: readonly (string | number)[]): string {
  return path
    .map((key, i) =>
      typeof key === 'number'
        ? `[${key}]`
        : /^[A-Za-z_]\w*$/.test(key)
          ? `${i === 0 ? '' : '.'}${key}`
          : `[${JSON.stringify(key)}]`,
    )
    .join('');
}

/** The line of the deepest node on `path` that exists: the key itself, or its parent when it is missing. */
export function lineOf(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly (string | number)[],
): number | undefined {
  const lineAt = (node: unknown) =>
    isNode(node) && node.range ? lineCounter.linePos(node.range[0]).line : undefined;
  let node: unknown = doc.contents;
  let line = lineAt(node);
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (isScalar(item.key) ? item.key.value : item.key) === key);
      if (!pair) break;
      line = lineAt(pair.key) ?? line;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number' && node.items[key] !== undefined) {
      node = node.items[key];
      line = lineAt(node) ?? line;
    } else {
      break;
    }
  }
  return line;
}

/** Wording for zod's built-in issues that a schema did not word itself. */
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type': {
      const expected = typeNames[issue.expected] ?? issue.expected;
      if ((issue.path ?? []).length === 0)
        return says(`the plan must be a mapping, not ${describeInput(issue.input)}`, example);
      if (issue.input === undefined) return says('is missing', `add it (expected ${expected})`);
      return says(`expected ${expected}, got ${describeInput(issue.input)}`, `change it to ${expected}`);
    }
    case 'unrecognized_keys':
      return unknownKeys(issue.keys, issue.inst);
    case 'invalid_value':
      return says(
        `${describeInput(issue.input)} is not allowed`,
        `use one of: ${issue.values.map((value) => String(value)).join(', ')}`,
      );
    case 'invalid_union':
      if (issue.note === 'No matching discriminator' && issue.options) {
        const value = (issue.input as Record<string, unknown> | undefined)?.[issue.discriminator ?? ''];
        const what =
          value === undefined
            ? `${issue.discriminator} is missing`
            : `unknown ${issue.discriminator} ${describeInput(value)}`;
        return says(what, `use one of: ${(issue.options as unknown[]).map(String).join(', ')}`);
      }
      return says('does not match any allowed form', example);
    case 'too_small':
      return says(
        `must be at least ${issue.minimum}${issue.origin === 'array' ? ' item(s)' : ''}`,
        'add to it or raise it',
      );
    case 'too_big':
      return says(
        `must be at most ${issue.maximum}${issue.origin === 'array' ? ' item(s)' : ''}`,
        'shorten or lower it',
      );
    case 'invalid_format':
      return says(`does not have the expected format${issue.pattern ? ` ${issue.pattern}` : ''}`, example);
    default:
      return undefined;
  }
}

const typeNames: Record<string, string> = {
  object: 'a mapping (key: value lines)',
  array: 'a list',
  string: 'text',
  number: 'a number',
  boolean: 'true or false',
};

function describeInput(input: unknown): string {
  if (input === null || input === undefined) return 'an empty value';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  return typeof input === 'string' ? `'${input}'` : String(input);
}

function unknownKeys(keys: string[], inst: unknown): string {
  const shape = (inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def
    ?.shape;
  const known = shape ? Object.keys(shape) : [];
  const fixes = keys.map((key) => {
    const near = closest(key, known);
    return near ? `rename '${key}' to '${near}'` : `remove '${key}'`;
  });
  const listed = keys.map((key) => `'${key}'`).join(', ');
  const fix = `${fixes.join('; ')}${known.length > 0 ? ` (allowed: ${known.join(', ')})` : ''}`;
  return says(`unknown key${keys.length > 1 ? 's' : ''} ${listed}`, fix);
}

/** The known key a typo most likely meant: same letters ignoring case and `_`/`-`, or within two edits. */
function closest(key: string, known: string[]): string | undefined {
  const normal = (text: string) => text.toLowerCase().replace(/[_-]/g, '');
  const same = known.find((candidate) => normal(candidate) === normal(key));
  if (same) return same;
  const scored = known.map((candidate) => [candidate, editDistance(normal(key), normal(candidate))] as const);
  const best = scored.sort((a, b) => a[1] - b[1])[0];
  return best && best[1] <= 2 ? best[0] : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
