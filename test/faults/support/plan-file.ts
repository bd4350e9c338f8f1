import { readFile, writeFile } from 'node:fs/promises';
import { parse, stringify } from 'yaml';

// biome-ignore lint/suspicious/noExplicitAny: the raw YAML plan is edited by key before the product validates it.
export type RawPlan = any;

/**
 * Writes a copy of the shipped plan, edited as raw YAML (durations stay strings such as '24h'),
 * for a product process started with PLAN_FILE. The product validates it at start-up.
 */
export async function writePlanCopy(
  file: string,
  edit: (plan: RawPlan) => void = () => undefined,
): Promise<void> {
  const plan = parse(await readFile('templates/plans/medplum-v4.yaml', 'utf8'));
  edit(plan);
  await writeFile(file, stringify(plan));
}

/** `env-1` … `env-n` next to the shipped environments: one deployment may run per environment. */
export const manyEnvironments = (count: number) => (plan: RawPlan) => {
  plan.environments = [...plan.environments, ...Array.from({ length: count }, (_, i) => `env-${i + 1}`)];
};
