import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors.js';
import {
  findSingleBraced,
  findVariables,
  substitute,
  substituteEnvValue,
  substituteText,
} from '../../../src/plan/variables.js';

describe('findVariables', () => {
  it('lists each referenced name once, in order', () => {
    expect(findVariables('--env={{environment}} --to={{ version }} {{environment}}')).toEqual([
      'environment',
      'version',
    ]);
  });

  it('ignores single braces, which findSingleBraced reports', () => {
    expect(findVariables('--stage={environment}')).toEqual([]);
    expect(findSingleBraced('--stage={environment} {job} {{version}}')).toEqual(['environment']);
    expect(findSingleBraced('--tag={releaseTag} {job}', ['releaseTag'])).toEqual(['releaseTag']);
  });
});

describe('substitute', () => {
  it('keeps a hostile value as one argument', () => {
    const args = substitute(['./deploy-frontend.sh', '--rollback-to={{previousVersion}}'], {
      previousVersion: 'v4.0.0; rm -rf /',
    });
    expect(args).toEqual(['./deploy-frontend.sh', '--rollback-to=v4.0.0; rm -rf /']);
  });

  it('fills every placeholder in an element and leaves other elements alone', () => {
    expect(
      substitute(['npm', 'run', 'deploy', '--', '--stage={{environment}}-{{percent}}'], {
        environment: 'production',
        percent: '10',
      }),
    ).toEqual(['npm', 'run', 'deploy', '--', '--stage=production-10']);
  });

  it('does not expand placeholders that arrive inside a value', () => {
    expect(substitute(['{{version}}'], { version: '{{environment}}', environment: 'production' })).toEqual([
      '{{environment}}',
    ]);
  });

  it('refuses to run a command with a missing or empty value', () => {
    expect(() => substitute(['--rollback-to={{previousVersion}}'], {})).toThrow(AppError);
    expect(() => substitute(['--rollback-to={{previousVersion}}'], { previousVersion: '' })).toThrow(
      /previousVersion/,
    );
    try {
      substitute(['{{backupFile}}'], {});
    } catch (error) {
      expect((error as AppError).code).toBe('bad_input');
    }
  });

  it('refuses names that are neither built in nor one of the plan variables it is given', () => {
    expect(() => substitute(['{{secret}}'], { version: 'v1' })).toThrow(/not a template variable/);
    expect(() => substituteEnvValue('{{secret}}', {})).toThrow(/not a template variable/);
  });

  it("fills the plan's own variables; one given without a value has none, and is not unknown", () => {
    const vars = { version: 'v4.0.0', releaseTag: 'rel-42', imageDigest: undefined };
    expect(substitute(['./deploy.sh', '--tag={{releaseTag}}', '{{version}}'], vars)).toEqual([
      './deploy.sh',
      '--tag=rel-42',
      'v4.0.0',
    ]);
    expect(() => substitute(['--digest={{imageDigest}}'], vars)).toThrow(/\{\{imageDigest\}\} has no value/);
    expect(substituteEnvValue('{{releaseTag}}/{{imageDigest}}', vars)).toBe('rel-42/');
    expect(() => substitute(['{{other}}'], vars)).toThrow(/use one of .*gitSha, releaseTag, imageDigest/);
  });
});

describe('substituteText', () => {
  it('fills notification placeholders beyond the command whitelist', () => {
    expect(
      substituteText('{{application}} {{version}} at {{windowStart}}', {
        application: 'Medplum EHR',
        version: 'v4.0.0',
        windowStart: 'Sat 20:00',
      }),
    ).toBe('Medplum EHR v4.0.0 at Sat 20:00');
  });

  it('throws rather than printing a blank', () => {
    expect(() => substituteText('Contact {{contacts}}', {})).toThrow(AppError);
  });
});
