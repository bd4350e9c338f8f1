// `kind: backup_database` as a plan writes it: a pg_dump of the application database before the change.
import { z } from 'zod';
import type { StepKindSchema } from './step-kind.schema.js';

const schema = z.strictObject({ kind: z.literal('backup_database'), format: z.enum(['custom', 'plain']) });

export type BackupDatabaseRun = z.output<typeof schema>;

export const backupDatabaseSchema = {
  kind: 'backup_database',
  schema,
  templatedFields: (_run) => [],
} satisfies StepKindSchema<'backup_database', BackupDatabaseRun>;
