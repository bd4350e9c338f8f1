// `kind: command` as a plan writes it: a program and its arguments, run without a shell.
import { z } from 'zod';
import { argv, collectCommandTemplates, regex, relativePath, says } from '../plan/fields.js';
import type { StepKindSchema } from './step-kind.schema.js';

const schema = z
  .strictObject({
    kind: z.literal('command'),
    command: argv,
    cwd: relativePath.optional(),
    records: z.literal('schema_changed').optional(),
    schemaChangedPattern: regex.optional(),
  })
  .refine((run) => run.schemaChangedPattern === undefined || run.records === 'schema_changed', {
    path: ['schemaChangedPattern'],
    error: says(
      'only applies to a step that records schema_changed',
      'add records: schema_changed or remove schemaChangedPattern',
    ),
  });

export type CommandRun = z.output<typeof schema>;

export const commandSchema = {
  kind: 'command',
  schema,
  templatedFields: collectCommandTemplates,
} satisfies StepKindSchema<'command', CommandRun>;
