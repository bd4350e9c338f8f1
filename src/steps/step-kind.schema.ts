// The half of a step kind the plan schema reads: zod only, so loading a plan pulls in no runner.
import type { z } from 'zod';
import type { FieldPath } from '../plan/fields.js';

/** What a plan may write under a step's `run:` for one kind, `S` being the parsed value. */
export interface StepKindSchema<K extends string, S extends { kind: K }> {
  kind: K;
  /** A strict object whose `kind` is the literal K: one member of the plan's `run` union. */
  schema: z.ZodType<S>;
  /** The strings filled in from template variables, paths below `run`: the loader checks their `{{name}}`s. */
  templatedFields(run: S): [FieldPath, string][];
}
