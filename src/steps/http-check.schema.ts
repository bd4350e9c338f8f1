// `kind: http_check` as a plan writes it: one GET judged on its status and body.
import { z } from 'zod';
import { urlTemplate } from '../plan/fields.js';
import type { StepKindSchema } from './step-kind.schema.js';

const schema = z.strictObject({
  kind: z.literal('http_check'),
  url: urlTemplate,
  expectStatus: z.number().int().min(100).max(599).default(200),
  expectBodyContains: z.string(),
});

export type HttpCheckRun = z.output<typeof schema>;

export const httpCheckSchema = {
  kind: 'http_check',
  schema,
  templatedFields: (run) => [[['url'], run.url]],
} satisfies StepKindSchema<'http_check', HttpCheckRun>;
