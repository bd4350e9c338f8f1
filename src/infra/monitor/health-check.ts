import type { Plan } from '../../plan/schema.js';
import { substituteText, type TemplateVars } from '../../plan/variables.js';
import { httpCheck } from '../run/http-check.js';

/** The plan's health check, as check-ins and monitors judge the application's health endpoint. */
export interface HealthCheck {
  /** The URL as the plan writes it, e.g. `{{healthcheckUrl}}`. */
  url: string;
  expectStatus: number;
  expectBodyContains?: string | undefined;
  /** Where it comes from: the plan step's id, or `default` (GET HEALTHCHECK_URL, 200, any body). */
  from: string;
}

/** A health check with its URL filled in; undefined url when it cannot be (HEALTHCHECK_URL unset). */
export interface ResolvedHealthCheck extends HealthCheck {
  resolvedUrl?: string | undefined;
  problem?: string | undefined;
}

/**
 * The one health check of a plan: its `http_check` step of the verification phase (the first, if
 * there are several), else its first `http_check` step of any phase, else GET {{healthcheckUrl}}
 * expecting 200 with any body. Check-ins and the monitors use it, so they agree with the
 * deployment's own verification step on what "healthy" means.
 */
export function planHealthCheck(plan: Pick<Plan, 'steps'>): HealthCheck {
  const checks = plan.steps.filter((step) => step.run.kind === 'http_check');
  const step = checks.find((s) => s.phase === 'verification') ?? checks[0];
  if (step?.run.kind === 'http_check') {
    return {
      url: step.run.url,
      expectStatus: step.run.expectStatus,
      expectBodyContains: step.run.expectBodyContains || undefined,
      from: step.id,
    };
  }
  return { url: '{{healthcheckUrl}}', expectStatus: 200, from: 'default' };
}

/** Fills in the URL with what monitoring knows: HEALTHCHECK_URL and, when given, the deployment's values. */
export function resolveHealthCheck(
  check: HealthCheck,
  sources: { healthcheckUrl?: string | undefined; vars?: TemplateVars | undefined },
): ResolvedHealthCheck {
  if (check.url.includes('{{healthcheckUrl}}') && !sources.healthcheckUrl)
    return { ...check, problem: 'HEALTHCHECK_URL is not set' };
  try {
    const resolvedUrl = substituteText(check.url, {
      ...sources.vars,
      healthcheckUrl: sources.healthcheckUrl,
    });
    return { ...check, resolvedUrl };
  } catch (error) {
    return { ...check, problem: error instanceof Error ? error.message : String(error) };
  }
}

export interface HealthOutcome {
  status: 'ok' | 'failing' | 'unknown';
  summary: string;
}

/** One GET judged as the plan's health check judges it. */
export async function runHealthCheck(check: ResolvedHealthCheck): Promise<HealthOutcome> {
  if (!check.resolvedUrl) return { status: 'unknown', summary: check.problem ?? 'no health check URL' };
  const outcome = await httpCheck({
    url: check.resolvedUrl,
    expectStatus: check.expectStatus,
    ...(check.expectBodyContains ? { expectBodyContains: check.expectBodyContains } : {}),
    timeoutMs: 3_000,
  });
  return { status: outcome.status === 'succeeded' ? 'ok' : 'failing', summary: outcome.summary };
}

/** An up/down http monitor of the health check's own URL: it is judged as the health check is. */
export function isHealthMonitor(
  metric: Plan['monitoring']['metrics'][number],
  check: ResolvedHealthCheck,
  sources: { healthcheckUrl?: string | undefined; vars?: TemplateVars | undefined },
): boolean {
  if (metric.source !== 'http' || metric.field !== undefined || !metric.url) return false;
  if (metric.url === check.url) return true;
  const resolved = resolveHealthCheck({ ...check, url: metric.url }, sources);
  return resolved.resolvedUrl !== undefined && resolved.resolvedUrl === check.resolvedUrl;
}
