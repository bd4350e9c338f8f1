import { describe, expect, it } from 'vitest';
import {
  type DeployCommand,
  parseCommand,
  subcommandOf,
  usage,
} from '../../../../src/infra/slack/parse-command.js';

// The buttons' decisions as subcommands (issue #15): each one typed as a user would.
const decisionGrammar: [string, DeployCommand][] = [
  ['retry', { name: 'retry' }],
  ['mark-done', { name: 'mark_done' }],
  ['extend', { name: 'extend' }],
  ['go', { name: 'go' }],
  ['restore-db', { name: 'restore_db' }],
  ['keep-db', { name: 'keep_db' }],
  ['complete', { name: 'complete' }],
  ['all-good', { name: 'all_good' }],
  ['ack', { name: 'ack' }],
  ['no-auto-rollback', { name: 'no_auto_rollback' }],
  ['resolve 12', { name: 'resolve', issueId: 12 }],
  ['resolve #12', { name: 'resolve', issueId: 12 }],
  ['  RETRY  ', { name: 'retry' }],
  ['Mark-Done', { name: 'mark_done' }],
];

describe('/deploy decisions that exist as buttons', () => {
  it.each(decisionGrammar)('%j is understood', (text, command) => {
    const result = parseCommand(text);
    expect(result).toEqual({ ok: true, command });
  });

  it.each([
    ['retry now', /`retry` takes no arguments/],
    ['mark-done step 3', /`mark-done` takes no arguments/],
    ['extend 2h', /`extend` takes no arguments/],
    ['go go go', /`go` takes no arguments/],
    ['restore-db please', /`restore-db` takes no arguments/],
    ['keep-db yes', /`keep-db` takes no arguments/],
    ['complete v4', /`complete` takes no arguments/],
    ['all-good 3', /`all-good` takes no arguments/],
    ['ack error_rate', /`ack` takes no arguments/],
    ['no-auto-rollback now', /`no-auto-rollback` takes no arguments/],
    ['resolve', /`resolve` needs the number of one issue/],
    ['resolve twelve', /`resolve` needs the number of one issue/],
    ['resolve 0', /`resolve` needs the number of one issue/],
    ['resolve -3', /`resolve` needs the number of one issue/],
    ['resolve 1 2', /`resolve` needs the number of one issue/],
    ['resolve 1.5', /`resolve` needs the number of one issue/],
    [`resolve ${'9'.repeat(40)}`, /`resolve` needs the number of one issue/],
    ['mark_done', /Unknown subcommand `mark_done`/],
    ['markdone', /Unknown subcommand `markdone`/],
  ])('%j is refused with what is wrong and the usage', (text, reason) => {
    const result = parseCommand(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatch(reason);
    expect(result.error).toContain(usage);
  });

  it('lists every one of them in the usage', () => {
    for (const word of [
      'retry',
      'mark-done',
      'extend',
      'go',
      'restore-db',
      'keep-db',
      'complete',
      'all-good',
      'ack',
      'no-auto-rollback',
      'resolve <issue>',
    ]) {
      expect(usage).toContain(`\`${word}`);
    }
  });

  it('labels their metrics by the word typed', () => {
    expect(subcommandOf('mark-done')).toBe('mark-done');
    expect(subcommandOf('resolve 12')).toBe('resolve');
    expect(subcommandOf('no-auto-rollback')).toBe('no-auto-rollback');
  });
});
