import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { AppError } from '../errors.js';
import { says } from './fields.js';
import { loadPlan, parsePlan } from './load-plan.js';
import type { Plan } from './schema.js';

type Mapping = Record<string, unknown>;

const isMapping = (value: unknown): value is Mapping =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const hasId = (value: unknown): value is Mapping & { id: string } =>
  isMapping(value) && typeof value.id === 'string';

/**
 * Loads a plan file, or a plan derived from another one: a file whose top level has
 * `extends: <base plan>` (relative to the file) holds only what differs from that base. Anything
 * else is loaded by loadPlan, so a plain plan reads and fails exactly as it does there.
 */
export function loadPlanFile(file: string): Plan {
  const overlay = readOverlay(file);
  if (!overlay) return loadPlan(file);
  const { extends: baseName, ...changes } = overlay;
  if (typeof baseName !== 'string' || baseName.trim() === '') {
    throw new AppError(
      'invalid_plan',
      `${file}: extends: ${says('expected the path of the base plan', "write it relative to this file, e.g. 'medplum-v4.yaml'")}`,
    );
  }
  const baseFile = resolve(dirname(file), baseName);
  const base = readYaml(baseFile);
  // Validated as one plan; a problem's line number is the merged plan's.
  return parsePlan(stringify(overlayOnto(base, changes, [], file)), `${file} (over ${baseName})`);
}

/**
 * `changes` over `base`: mappings merge key by key; a list whose entries all have an `id` merges
 * each of its entries into the base entry with the same id, keeping the base's order; any other
 * value replaces the base's.
 */
function overlayOnto(base: unknown, changes: unknown, path: string[], file: string): unknown {
  if (isMapping(base) && isMapping(changes)) {
    const merged: Mapping = { ...base };
    for (const [key, value] of Object.entries(changes)) {
      merged[key] = key in base ? overlayOnto(base[key], value, [...path, key], file) : value;
    }
    return merged;
  }
  if (Array.isArray(base) && Array.isArray(changes) && changes.length > 0 && changes.every(hasId)) {
    const where = path.join('.');
    for (const entry of changes) {
      if (!base.some((item) => hasId(item) && item.id === entry.id)) {
        throw new AppError(
          'invalid_plan',
          `${file}: ${where}: ${says(`the base plan has no entry with id '${entry.id}'`, `use the id of one of the base plan's ${where}`)}`,
        );
      }
    }
    return base.map((item) => {
      if (!hasId(item)) return item;
      const entry = changes.find((change) => change.id === item.id);
      return entry ? overlayOnto(item, entry, [...path, item.id], file) : item;
    });
  }
  return changes;
}

/** The file's top-level mapping when it names a base plan; undefined for anything loadPlan should read. */
function readOverlay(file: string): Mapping | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return undefined;
  let data: unknown;
  try {
    data = doc.toJS();
  } catch {
    return undefined;
  }
  return isMapping(data) && 'extends' in data ? data : undefined;
}

function readYaml(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new AppError(
      'invalid_plan',
      `${file}: ${says(`cannot read the base plan (${reason})`, 'fix the path in extends')}`,
      { cause: error },
    );
  }
  const doc = parseDocument(text);
  const [error] = doc.errors;
  if (error) {
    const what = error.message.split('\n')[0] ?? error.message;
    throw new AppError(
      'invalid_plan',
      `${file}: ${says(`YAML syntax error: ${what}`, 'check the indentation and quoting on that line')}`,
    );
  }
  try {
    return doc.toJS();
  } catch (error) {
    // toJS refuses alias bombs ("Excessive alias count").
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError(
      'invalid_plan',
      `${file}: ${says(reason, 'write the values out instead of repeating aliases')}`,
    );
  }
}
