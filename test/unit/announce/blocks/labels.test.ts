import { describe, expect, it } from 'vitest';
import { plainStateLabel, stateLabels } from '../../../../src/announce/blocks/labels.js';
import { deploymentStates } from '../../../../src/deploy/model/lifecycle.js';

describe('plainStateLabel', () => {
  it.each(deploymentStates)('is the %s label without its leading emoji', (state) => {
    const plain = plainStateLabel(state);
    expect(stateLabels[state]).toMatch(/^:[a-z_]+: /);
    expect(stateLabels[state]).toBe(`${stateLabels[state].split(' ')[0]} ${plain}`);
    expect(plain).not.toMatch(/^:/);
  });

  it('keeps the words as they are', () => {
    expect(plainStateLabel('step_failed')).toBe('Halted: a step failed');
    expect(plainStateLabel('rolled_back')).toBe('Rolled back');
  });
});
