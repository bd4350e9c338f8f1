import type { Plan } from '../../src/plan/schema.js';

// Plan transforms for the two explicit traffic forms, from the Medplum plan (legacy form: a
// `{{percent}}` execution step for stage 1 and `trafficShift` for the others).

/** The frontend step without `--percent={{percent}}`. */
function withoutPercentStep(plan: Plan): Plan['steps'] {
  return plan.steps.map((step) =>
    step.run.kind === 'command' && step.run.command.some((arg) => arg.includes('{{percent}}'))
      ? {
          ...step,
          run: { ...step.run, command: step.run.command.filter((arg) => !arg.includes('{{percent}}')) },
        }
      : step,
  );
}

/** `traffic: none`: nothing controls traffic; stages are observation windows, without a percent. */
export const withoutTrafficControl = (plan: Plan): Plan => ({
  ...plan,
  steps: withoutPercentStep(plan),
  stages: plan.stages.map(({ percent: _none, ...stage }) => stage),
  traffic: { mode: 'none' },
});

/** `traffic: { command }`: the plan's traffic command moves every stage, stage 1 included. */
export const withTrafficCommand = (plan: Plan): Plan => {
  if (plan.traffic.mode !== 'command') throw new Error('the base plan has a traffic command');
  return {
    ...plan,
    steps: withoutPercentStep(plan),
    traffic: { mode: 'command', firstStageStep: undefined, command: plan.traffic.command },
  };
};
