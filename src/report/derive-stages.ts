import type { AuditRow } from '../infra/db/audit.js';
import type { Stage } from '../plan/schema.js';
import type { ReportStage, StageEnd } from './report.js';

// The audit entries that put traffic at a stage's percentage (detail.stage names the stage).
const entered = new Set(['steps_done', 'stage_live', 'reached_full']);
// The entries that end the soak of the current stage.
const ending = new Set<string>(['promote', 'skip_soak', 'rollback', 'declare_complete', 'abort']);

/**
 * Each plan stage's actual soak, read from the audit log: from the entry that made it live to the
 * promotion (or the skip, the rollback, the declaration) that ended it.
 */
export function deriveStages(input: {
  stages: Stage[];
  audit: AuditRow[];
  now: Date;
  timeScale: number;
  endedAt: Date | null;
}): ReportStage[] {
  const stages: ReportStage[] = input.stages.map((stage, index) => ({
    index,
    id: stage.id,
    name: stage.name,
    // No share of traffic under `traffic: none` (the plan's stages carry none there).
    percent: stage.percent ?? null,
    minSoakMs: stage.minSoak,
    expectedSoakMs: Math.round(stage.minSoak / Math.max(1, input.timeScale)),
    reached: false,
    startedAt: null,
    soakEndedAt: null,
    soakMs: null,
    ongoing: false,
    endedBy: null,
    endedByActor: null,
    soakSkipped: false,
    skipReason: null,
    extensions: 0,
    heldMs: 0,
  }));
  let current: ReportStage | undefined;
  let heldSince: Date | undefined;

  const endHold = (at: Date) => {
    if (current && heldSince) current.heldMs += Math.max(0, at.getTime() - heldSince.getTime());
    heldSince = undefined;
  };
  const close = (at: Date, endedBy: StageEnd, actor: string) => {
    if (!current || current.soakEndedAt || !current.startedAt) return;
    endHold(at);
    current.soakEndedAt = at;
    current.soakMs = Math.max(0, at.getTime() - current.startedAt.getTime());
    current.endedBy = endedBy;
    current.endedByActor = actor;
  };

  for (const row of input.audit) {
    const stageId = typeof row.detail.stage === 'string' ? row.detail.stage : undefined;
    if (entered.has(row.action) && stageId) {
      const next = stages.find((stage) => stage.id === stageId);
      if (!next) continue;
      close(row.createdAt, 'ended', row.actor);
      current = next;
      current.reached = true;
      current.startedAt ??= row.createdAt;
    } else if (row.action === 'soak_skipped' && current) {
      current.soakSkipped = true;
      if (typeof row.detail.reason === 'string') current.skipReason = row.detail.reason;
    } else if (ending.has(row.action) && current) {
      if (row.action === 'skip_soak' || row.detail.soakSkipped === true) {
        current.soakSkipped = true;
        if (typeof row.detail.reason === 'string') current.skipReason ??= row.detail.reason;
      }
      close(row.createdAt, row.action as StageEnd, row.actor);
    } else if (row.action === 'extend_soak' && current) {
      current.extensions += 1;
    } else if (row.action === 'hold' && current && !current.soakEndedAt) {
      heldSince = row.createdAt;
    } else if (row.action === 'resume') {
      endHold(row.createdAt);
    }
  }

  if (current && !current.soakEndedAt && current.startedAt) {
    if (input.endedAt) {
      close(input.endedAt, 'ended', 'stagecoach');
    } else {
      endHold(input.now);
      current.ongoing = true;
      current.soakMs = Math.max(0, input.now.getTime() - current.startedAt.getTime());
    }
  }
  return stages;
}

/** Met, unless it stopped clearly before the planned minimum (a little slack for timer latency). */
export function soakMet(stage: ReportStage): boolean {
  if (stage.soakMs === null) return false;
  const slack = Math.max(250, stage.expectedSoakMs * 0.01);
  return stage.soakMs + slack >= stage.expectedSoakMs;
}
