// `kind: command` as a plan writes it: a program and its arguments, run without a shell.
import { z } from 'zod';
import { argv, collectCommandTemplates, regex, relativePath, says } from '../plan/fields.js';
import type { StepKindSchema } from './step-kind.schema.js';

/** Either pattern means nothing unless the step says what it records. */
const onlyWhenRecording = (field: string) => ({
  path: [field],
  error: says(
    'only applies to a step that records schema_changed',
    `add records: schema_changed or remove ${field}`,
  ),
});

const schema = z
  .strictObject({
    kind: z.literal('command'),
    command: argv,
    cwd: relativePath.optional(),
    /**
     * `schema_changed`: this step migrates the application database. Once it has started, however
     * it ended (succeeded, failed, timed out, cancelled), it counts as having changed the schema,
     * so a rollback offers the pre-deployment restore, unless a line of its output matches
     * schemaUnchangedPattern. A dry run records nothing.
     */
    records: z.literal('schema_changed').optional(),
    /**
     * A line saying the schema did change, e.g. 'schema changed: yes' (the default). Optional:
     * such a line is never required, it only wins over a no-change line printed in the same run.
     */
    schemaChangedPattern: regex.optional(),
    /**
     * A line saying nothing changed, checked on every line of output as it streams (case does not
     * matter). Replaces the default, which knows common migration tools:
     * 'no (pending )?migrations|nothing to migrate|already up to date|schema changed:\s*no\b'.
     */
    schemaUnchangedPattern: regex.optional(),
  })
  .refine(
    (run) => run.schemaChangedPattern === undefined || run.records === 'schema_changed',
    onlyWhenRecording('schemaChangedPattern'),
  )
  .refine(
    (run) => run.schemaUnchangedPattern === undefined || run.records === 'schema_changed',
    onlyWhenRecording('schemaUnchangedPattern'),
  );

export type CommandRun = z.output<typeof schema>;

export const commandSchema = {
  kind: 'command',
  schema,
  templatedFields: collectCommandTemplates,
} satisfies StepKindSchema<'command', CommandRun>;
