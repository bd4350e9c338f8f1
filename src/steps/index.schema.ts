// The step kinds a plan may write under `run:`, combined into the one union src/plan/schema.ts uses.
import { z } from 'zod';
import type { FieldPath } from '../plan/fields.js';
import { backupDatabaseSchema } from './backup-database.schema.js';
import { checkArtifactsSchema } from './check-artifacts.schema.js';
import { commandSchema } from './command.schema.js';
import { httpCheckSchema } from './http-check.schema.js';
import { scanLogSchema } from './scan-log.schema.js';

/** In this order the loader lists the known kinds when a plan names an unknown one. */
const planStepKinds = [
  commandSchema,
  backupDatabaseSchema,
  checkArtifactsSchema,
  httpCheckSchema,
  scanLogSchema,
] as const;

type SchemasOf<T extends readonly unknown[]> = {
  -readonly [I in keyof T]: T[I] extends { schema: infer S } ? S : never;
};

// zod needs the members as a tuple to type the union; map() keeps the order, the cast keeps the tuple.
export const stepRunSchema = z.discriminatedUnion(
  'kind',
  planStepKinds.map((kind) => kind.schema) as SchemasOf<typeof planStepKinds>,
);

export type PlanStepRun = z.output<typeof stepRunSchema>;

/** The run's strings filled in from template variables, with their paths below `run`. */
export function listRunTemplates(run: PlanStepRun): [FieldPath, string][] {
  const kind = planStepKinds.find((candidate) => candidate.kind === run.kind);
  // `kind.kind === run.kind`, so `run` is the member this kind parsed.
  return kind ? kind.templatedFields(run as never) : [];
}
