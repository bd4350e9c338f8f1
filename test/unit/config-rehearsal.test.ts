import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { AppError } from '../../src/errors.js';

describe('REHEARSAL_DECISION_SCALE', () => {
  it('unset: decisions go at TIME_SCALE, like everything else', () => {
    expect(loadConfig({}).decisionScale).toBe(1);
    expect(loadConfig({ TIME_SCALE: '3600' }).decisionScale).toBe(3600);
    expect(loadConfig({ TIME_SCALE: '3600', REHEARSAL_DECISION_SCALE: '' }).decisionScale).toBe(3600);
  });

  it('set: decisions go at their own, gentler pace', () => {
    const config = loadConfig({ TIME_SCALE: '28800', REHEARSAL_DECISION_SCALE: '1' });
    expect(config.timeScale).toBe(28_800);
    expect(config.decisionScale).toBe(1);
    expect(loadConfig({ TIME_SCALE: '28800', REHEARSAL_DECISION_SCALE: '60' }).decisionScale).toBe(60);
  });

  it('refuses a pace faster than TIME_SCALE, or not a positive number, naming the variable', () => {
    for (const env of [
      { TIME_SCALE: '60', REHEARSAL_DECISION_SCALE: '3600' },
      { TIME_SCALE: '60', REHEARSAL_DECISION_SCALE: '0' },
      { TIME_SCALE: '60', REHEARSAL_DECISION_SCALE: 'fast' },
    ]) {
      let message = '';
      try {
        loadConfig(env);
      } catch (error) {
        expect(error).toBeInstanceOf(AppError);
        message = (error as AppError).message;
      }
      expect(message).toMatch(/^REHEARSAL_DECISION_SCALE is invalid .*no larger than TIME_SCALE/);
    }
  });
});
