// `kind: scan_log` as a plan writes it: a log file and the error patterns to look for since the start.
import { z } from 'zod';
import { regex, says } from '../plan/fields.js';
import type { StepKindSchema } from './step-kind.schema.js';

const schema = z.strictObject({
  kind: z.literal('scan_log'),
  file: z.string().min(1, says('must not be empty', "name the log file, e.g. '{{appLogFile}}'")),
  patterns: z
    .array(regex)
    .min(1, says('needs at least one pattern', "add an error pattern such as '\\bERROR\\b'")),
});

export type ScanLogRun = z.output<typeof schema>;

export const scanLogSchema = {
  kind: 'scan_log',
  schema,
  // Patterns are not templated: `{{` in a regular expression means braces.
  templatedFields: (run) => [[['file'], run.file]],
} satisfies StepKindSchema<'scan_log', ScanLogRun>;
