// `kind: check_artifacts` as a plan writes it: a build output directory that must hold files.
import { z } from 'zod';
import { relativePath } from '../plan/fields.js';
import type { StepKindSchema } from './step-kind.schema.js';

const schema = z.strictObject({ kind: z.literal('check_artifacts'), path: relativePath });

export type CheckArtifactsRun = z.output<typeof schema>;

export const checkArtifactsSchema = {
  kind: 'check_artifacts',
  schema,
  templatedFields: (run) => [[['path'], run.path]],
} satisfies StepKindSchema<'check_artifacts', CheckArtifactsRun>;
