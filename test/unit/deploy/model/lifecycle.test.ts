import { describe, expect, it } from 'vitest';
import {
  allowedEvents,
  type DeploymentEvent,
  type DeploymentState,
  deploymentEvents,
  deploymentStates,
  isDeploymentState,
  isTerminal,
  terminalStates,
  transition,
} from '../../../../src/deploy/model/lifecycle.js';

// The table written out again, independently of the implementation: a change to either must be deliberate.
const expected: Record<DeploymentState, Partial<Record<DeploymentEvent, DeploymentState>>> = {
  running: {
    step_succeeded: 'running',
    steps_done: 'soaking',
    stage_live: 'soaking',
    reached_full: 'success_window',
    step_failed: 'step_failed',
    step_interrupted: 'step_interrupted',
    hold: 'held',
    abort: 'aborted',
    rollback: 'rolling_back',
  },
  step_failed: { retry: 'running', abort: 'aborted', rollback: 'rolling_back' },
  step_interrupted: { retry: 'running', mark_done: 'running', abort: 'aborted', rollback: 'rolling_back' },
  soaking: {
    soak_ended: 'awaiting_promotion',
    skip_soak: 'running',
    hold: 'held',
    dry_run_finished: 'completed',
    rollback: 'rolling_back',
  },
  awaiting_promotion: { promote: 'running', extend_soak: 'soaking', hold: 'held', rollback: 'rolling_back' },
  held: { resume: 'running', abort: 'aborted', rollback: 'rolling_back' },
  success_window: {
    declare_complete: 'completed',
    hold: 'held',
    dry_run_finished: 'completed',
    rollback: 'rolling_back',
  },
  rolling_back: { revert_succeeded: 'rolled_back', revert_failed: 'rollback_failed' },
  awaiting_restore: { confirm_restore: 'restoring', skip_restore: 'rolled_back' },
  restoring: { restore_succeeded: 'rolled_back', restore_failed: 'rollback_failed' },
  rollback_failed: { retry: 'rolling_back' },
  completed: {},
  aborted: {},
  rolled_back: {},
};

const cells = deploymentStates.flatMap((state) => deploymentEvents.map((event) => [state, event] as const));

describe('the deployment lifecycle', () => {
  it('knows every state and event the table mentions', () => {
    expect(Object.keys(expected).sort()).toEqual([...deploymentStates].sort());
    for (const events of Object.values(expected)) {
      for (const [event, to] of Object.entries(events)) {
        expect(deploymentEvents).toContain(event);
        expect(deploymentStates).toContain(to);
      }
    }
  });

  describe.each(deploymentStates)('a deployment that is %s', (state) => {
    it.each(deploymentEvents)(`reacts to %s exactly as the table says`, (event) => {
      const to = expected[state][event];
      const result = transition(state, event);
      if (to === undefined) {
        expect(result).toEqual({ ok: false, from: state });
      } else {
        expect(result).toEqual({ ok: true, from: state, to });
      }
    });

    it('offers exactly the buttons the table allows', () => {
      expect([...allowedEvents(state)].sort()).toEqual(Object.keys(expected[state]).sort());
    });
  });

  it('covers all 14 × 24 state/event pairs', () => {
    expect(cells).toHaveLength(deploymentStates.length * deploymentEvents.length);
    const okCount = cells.filter(([state, event]) => transition(state, event).ok).length;
    const tableCount = Object.values(expected).reduce((sum, events) => sum + Object.keys(events).length, 0);
    expect(okCount).toBe(tableCount);
  });

  describe('finished deployments', () => {
    it.each(terminalStates)('a %s deployment accepts no event at all and shows no buttons', (state) => {
      expect(isTerminal(state)).toBe(true);
      expect(allowedEvents(state)).toEqual([]);
      for (const event of deploymentEvents) {
        expect(transition(state, event).ok).toBe(false);
        for (const target of deploymentStates) expect(transition(state, event, target).ok).toBe(false);
      }
    });

    it('only completed, aborted and rolled back count as finished', () => {
      expect(deploymentStates.filter(isTerminal).sort()).toEqual(['aborted', 'completed', 'rolled_back']);
    });

    it('a completed deployment cannot be rolled back', () => {
      expect(transition('completed', 'rollback')).toEqual({ ok: false, from: 'completed' });
    });

    it('an aborted deployment cannot be resumed or retried', () => {
      expect(transition('aborted', 'resume').ok).toBe(false);
      expect(transition('aborted', 'retry').ok).toBe(false);
    });

    it('a rolled-back deployment cannot be rolled back again or have its database restored', () => {
      expect(transition('rolled_back', 'rollback').ok).toBe(false);
      expect(transition('rolled_back', 'confirm_restore').ok).toBe(false);
    });
  });

  describe('what people notice', () => {
    it('a deployment can be rolled back from every state where production may have changed and nothing is reverting yet', () => {
      const canRollBack = deploymentStates.filter((state) => transition(state, 'rollback').ok);
      expect(canRollBack.sort()).toEqual(
        [
          'awaiting_promotion',
          'held',
          'running',
          'soaking',
          'step_failed',
          'step_interrupted',
          'success_window',
        ].sort(),
      );
      for (const state of canRollBack)
        expect(transition(state, 'rollback')).toEqual({ ok: true, from: state, to: 'rolling_back' });
    });

    it('a rollback in progress cannot be aborted, held or rolled back a second time', () => {
      for (const event of ['abort', 'hold', 'rollback', 'resume', 'promote'] as const) {
        expect(transition('rolling_back', event).ok).toBe(false);
      }
    });

    it('a deployment at a traffic stage cannot be aborted, only rolled back', () => {
      for (const state of ['soaking', 'awaiting_promotion', 'success_window'] as const) {
        expect(transition(state, 'abort').ok).toBe(false);
        expect(transition(state, 'rollback').ok).toBe(true);
      }
    });

    it('a promotion is only possible once the soak is over', () => {
      expect(transition('soaking', 'promote').ok).toBe(false);
      expect(transition('awaiting_promotion', 'promote')).toEqual({
        ok: true,
        from: 'awaiting_promotion',
        to: 'running',
      });
    });

    it('skipping the soak is only possible while soaking', () => {
      const from = deploymentStates.filter((state) => transition(state, 'skip_soak').ok);
      expect(from).toEqual(['soaking']);
    });

    it('success can only be declared in the success window', () => {
      const from = deploymentStates.filter((state) => transition(state, 'declare_complete').ok);
      expect(from).toEqual(['success_window']);
    });

    it('a held deployment does not advance by itself', () => {
      for (const event of [
        'step_succeeded',
        'steps_done',
        'stage_live',
        'soak_ended',
        'promote',
        'reached_full',
      ] as const) {
        expect(transition('held', event).ok).toBe(false);
      }
    });

    it('a step can be marked done only when it was interrupted, not when it failed', () => {
      expect(transition('step_interrupted', 'mark_done').ok).toBe(true);
      expect(transition('step_failed', 'mark_done').ok).toBe(false);
    });

    it('a database restore waits for its own confirmation after the revert', () => {
      expect(transition('rolling_back', 'confirm_restore').ok).toBe(false);
      expect(transition('awaiting_restore', 'confirm_restore')).toEqual({
        ok: true,
        from: 'awaiting_restore',
        to: 'restoring',
      });
      expect(transition('awaiting_restore', 'skip_restore')).toEqual({
        ok: true,
        from: 'awaiting_restore',
        to: 'rolled_back',
      });
    });

    it('a failed rollback can only be retried', () => {
      expect(allowedEvents('rollback_failed')).toEqual(['retry']);
    });
  });

  describe('events whose destination the caller chooses', () => {
    const resumeTargets: DeploymentState[] = ['running', 'soaking', 'awaiting_promotion', 'success_window'];

    it.each(deploymentStates)(
      'resuming a hold may go back to %s only if it is a place a hold can start from',
      (target) => {
        const result = transition('held', 'resume', target);
        if (resumeTargets.includes(target)) expect(result).toEqual({ ok: true, from: 'held', to: target });
        else expect(result).toEqual({ ok: false, from: 'held' });
      },
    );

    it('resuming without a target goes back to running', () => {
      expect(transition('held', 'resume')).toEqual({ ok: true, from: 'held', to: 'running' });
    });

    it('a target does not make resume valid outside a hold', () => {
      for (const state of deploymentStates.filter((s) => s !== 'held')) {
        for (const target of resumeTargets) expect(transition(state, 'resume', target).ok).toBe(false);
      }
    });

    it.each(deploymentStates)(
      'a successful revert may land in %s only if it is rolled back or awaiting a restore',
      (target) => {
        const result = transition('rolling_back', 'revert_succeeded', target);
        if (target === 'rolled_back' || target === 'awaiting_restore') {
          expect(result).toEqual({ ok: true, from: 'rolling_back', to: target });
        } else {
          expect(result).toEqual({ ok: false, from: 'rolling_back' });
        }
      },
    );

    it('a revert without a target ends the deployment as rolled back', () => {
      expect(transition('rolling_back', 'revert_succeeded')).toEqual({
        ok: true,
        from: 'rolling_back',
        to: 'rolled_back',
      });
    });

    it.each(deploymentStates)(
      'retrying a failed rollback may go to %s only if it is the revert or the restore',
      (target) => {
        const result = transition('rollback_failed', 'retry', target);
        if (target === 'rolling_back' || target === 'restoring') {
          expect(result).toEqual({ ok: true, from: 'rollback_failed', to: target });
        } else {
          expect(result.ok).toBe(false);
        }
      },
    );

    it.each(['step_failed', 'step_interrupted'] as const)(
      'retrying a step after %s only ever goes back to running',
      (state) => {
        for (const target of deploymentStates) {
          const result = transition(state, 'retry', target);
          if (target === 'running') expect(result).toEqual({ ok: true, from: state, to: 'running' });
          else expect(result.ok).toBe(false);
        }
      },
    );
  });

  it('recognises its own state names and nothing else', () => {
    for (const state of deploymentStates) expect(isDeploymentState(state)).toBe(true);
    for (const value of ['', 'RUNNING', 'done', 'toString', '__proto__', 'constructor'])
      expect(isDeploymentState(value)).toBe(false);
  });
});
