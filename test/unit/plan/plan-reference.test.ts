import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generated, planJsonSchema, referenceFile, schemaFile } from '../../../scripts/plan-reference.js';
import { templateVariables } from '../../../src/plan/variables.js';

const regenerate = 'out of date with src/plan/schema.ts: run `npm run plan:docs` and commit the result';

describe('the plan reference and the editor schema', () => {
  const fresh = generated();

  it.each([referenceFile, schemaFile])('%s matches the schema', (file) => {
    const current = readFileSync(file, 'utf8');
    expect(current === fresh[file], `${file} is ${regenerate}`).toBe(true);
  });

  it('documents every key of the schema and every template variable', () => {
    const reference = fresh[referenceFile] ?? '';
    expect(reference).not.toMatch(/undocumented/i);
    for (const name of templateVariables) expect(reference).toContain(`\`{{${name}}}\``);
    for (const key of [
      'steps[].run{command}.cwd',
      'stages[].minSoak',
      'rollback.currentVersion',
      'monitoring.pollEvery',
    ])
      expect(reference).toContain(`\`${key}\``);
    for (const section of [
      '## What a step gets',
      '## How traffic moves',
      '## Time scaling',
      '## Checked before start',
    ])
      expect(reference).toContain(section);
  });

  it('gives editors the defaults and descriptions, and refuses unknown keys as the loader does', () => {
    const schema = planJsonSchema() as {
      additionalProperties?: boolean;
      required?: string[];
      properties: Record<
        string,
        { description?: string; properties?: Record<string, { default?: unknown }> }
      >;
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toContain('steps');
    expect(schema.properties.monitoring?.properties?.pollEvery?.default).toBe('1m');
    expect(schema.properties.rollback?.description).toMatch(/how to go back/);
  });
});
