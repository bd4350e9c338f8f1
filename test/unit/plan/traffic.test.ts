// Issue #15: each stage says how its traffic moves, and a plan where some stage's traffic would
// silently not move is refused.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { AppError } from '../../../src/errors.js';
import { parsePlan } from '../../../src/plan/load-plan.js';

const medplum = readFileSync('templates/plans/medplum-v4.yaml', 'utf8');
const frontendIndex = 5;
const percentArg = '--percent={{percent}}';

/** The Medplum plan with edits made to its YAML document. */
function variant(edit: (doc: ReturnType<typeof parseDocument>) => void): string {
  const doc = parseDocument(medplum);
  edit(doc);
  return doc.toString();
}
const dropPercentFromFrontend = (doc: ReturnType<typeof parseDocument>) => {
  expect(doc.getIn(['steps', frontendIndex, 'id'])).toBe('frontend');
  doc.setIn(['steps', frontendIndex, 'run', 'command'], ['./deploy-frontend.sh', '--env={{environment}}']);
};
const trafficCommand = {
  command: ['./deploy-frontend.sh', '--env={{environment}}', percentArg],
  timeout: '20m',
};

function refusal(text: string): string {
  try {
    parsePlan(text, 'plan.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('invalid_plan');
    return (error as AppError).message;
  }
  throw new Error('the plan was accepted');
}

describe('plan.traffic, normalized', () => {
  it('reads trafficShift with a {{percent}} execution step as one command for every stage, stage 1 run by that step', () => {
    const plan = parsePlan(medplum, 'medplum-v4.yaml');
    expect(plan.traffic).toEqual({
      mode: 'command',
      firstStageStep: 'frontend',
      command: { command: trafficCommand.command, timeout: 20 * 60_000 },
    });
    expect(plan).not.toHaveProperty('trafficShift');
  });

  it('reads traffic: { command } as the command for every stage, stage 1 included', () => {
    const plan = parsePlan(
      variant((doc) => {
        dropPercentFromFrontend(doc);
        doc.delete('trafficShift');
        doc.set('traffic', { ...trafficCommand, cwd: 'ops' });
      }),
      'plan.yaml',
    );
    expect(plan.traffic).toEqual({
      mode: 'command',
      firstStageStep: undefined,
      command: { command: trafficCommand.command, timeout: 20 * 60_000, cwd: 'ops' },
    });
  });

  it('reads traffic: none as a plan without traffic control', () => {
    const plan = parsePlan(
      variant((doc) => {
        dropPercentFromFrontend(doc);
        doc.delete('trafficShift');
        doc.set('traffic', 'none');
      }),
      'plan.yaml',
    );
    expect(plan.traffic).toEqual({ mode: 'none' });
  });
});

describe('a stage whose traffic would silently not move', () => {
  it('is refused when no step passes {{percent}} and only trafficShift is given (stage 1 would never move)', () => {
    const message = refusal(variant(dropPercentFromFrontend));
    expect(message).toContain(
      'plan.yaml: trafficShift: moves stages 2 and later, but no step passes {{percent}}',
    );
    expect(message).toContain('Stage 1: Canary would never get its 10% of traffic');
    expect(message).toContain(" — fix: add '--percent={{percent}}' to the execution step that deploys");
    expect(message).toContain('traffic: none');
    expect(message.split('\n')).toHaveLength(1);
  });

  it('is refused when the plan says nothing about traffic', () => {
    const message = refusal(variant((doc) => doc.delete('trafficShift')));
    expect(message).toMatch(
      /^plan\.yaml: traffic: is missing: no stage says how its traffic moves — fix: .*traffic: none/,
    );
  });

  it('is refused when the traffic command never passes the percentage', () => {
    const message = refusal(
      variant((doc) => {
        dropPercentFromFrontend(doc);
        doc.delete('trafficShift');
        doc.set('traffic', { command: ['./deploy-frontend.sh'], timeout: '20m' });
      }),
    );
    expect(message).toContain('traffic.command: never passes the stage percentage');
  });
});

describe('contradicting traffic settings', () => {
  it('refuses traffic and trafficShift together', () => {
    expect(refusal(variant((doc) => doc.set('traffic', 'none')))).toContain(
      'trafficShift: is given together with traffic — fix: keep traffic and remove trafficShift',
    );
  });

  it('refuses a {{percent}} step under traffic: none: it would move traffic no one tracks', () => {
    const message = refusal(
      variant((doc) => {
        doc.delete('trafficShift');
        doc.set('traffic', 'none');
      }),
    );
    expect(message).toContain(`steps[${frontendIndex}].run.command: passes {{percent}}, but traffic is none`);
  });

  it('refuses a {{percent}} step beside traffic: { command }: stage 1 would be moved twice', () => {
    const message = refusal(
      variant((doc) => {
        doc.delete('trafficShift');
        doc.set('traffic', trafficCommand);
      }),
    );
    expect(message).toContain(
      `steps[${frontendIndex}].run.command: passes {{percent}}, but traffic.command already moves stage 1`,
    );
  });

  it('refuses two steps passing {{percent}}', () => {
    const message = refusal(
      variant((doc) =>
        doc.setIn(['steps', frontendIndex + 1, 'run', 'command'], ['npm', 'run', 'migrate', percentArg]),
      ),
    );
    expect(message).toContain(
      `steps[${frontendIndex + 1}].run.command: passes {{percent}} like step 'frontend': only one step may move stage 1's traffic`,
    );
  });
});

describe('stage percentages', () => {
  const withoutPercents = (doc: ReturnType<typeof parseDocument>) => {
    const stages = doc.get('stages') as { items: unknown[] };
    for (const i of stages.items.keys()) doc.deleteIn(['stages', i, 'percent']);
  };
  const trafficNone = (doc: ReturnType<typeof parseDocument>) => {
    dropPercentFromFrontend(doc);
    doc.delete('trafficShift');
    doc.set('traffic', 'none');
  };

  it('are not needed under traffic: none, and one written there is dropped: nothing can claim it', () => {
    const without = parsePlan(
      variant((doc) => {
        trafficNone(doc);
        withoutPercents(doc);
      }),
      'plan.yaml',
    );
    expect(without.stages.map((stage) => stage.id)).toEqual(['canary', 'expanded', 'full']);
    const written = parsePlan(variant(trafficNone), 'plan.yaml');
    for (const stage of written.stages) expect(stage).not.toHaveProperty('percent');
  });

  it('are required with a traffic command, naming the stage and the fix', () => {
    const message = refusal(variant((doc) => doc.deleteIn(['stages', 1, 'percent'])));
    expect(message).toMatch(
      /^plan\.yaml: stages\[1\]: stage 'expanded' has no percent, but a traffic command moves each stage to its percentage — fix: add percent: <1 to 100> \(the last stage 100\), or write traffic: none/,
    );
    expect(message.split('\n')).toHaveLength(1);
  });

  it('still climb to 100 with a traffic command', () => {
    expect(refusal(variant((doc) => doc.setIn(['stages', 2, 'percent'], 60)))).toContain(
      'stages: the last stage stops at 60%, so the rollout never completes',
    );
  });

  it('{{percent}} is refused anywhere under traffic: none: it has no value there', () => {
    const message = refusal(
      variant((doc) => {
        trafficNone(doc);
        doc.setIn(['rollback', 'revert', 'command'], ['./deploy-frontend.sh', '--percent={{percent}}']);
      }),
    );
    expect(message).toContain(
      'rollback.revert.command[1]: uses {{percent}}, but traffic is none: no stage has a percentage',
    );
  });
});
