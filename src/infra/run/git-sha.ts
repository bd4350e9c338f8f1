// `{{gitSha}}` and STAGECOACH_GIT_SHA: the commit the version names in the workspace's repository.
import { execa } from 'execa';
import { findVariables } from '../../plan/variables.js';

const sha = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * `git rev-parse --verify <version>^{commit}` in the workspace, when a command is about to run (so
 * a tag an earlier step fetched counts). Undefined when the workspace is not a git repository or
 * does not know the version: `{{gitSha}}` then has no value and STAGECOACH_GIT_SHA is not set.
 */
export async function resolveGitSha(
  workspaceDir: string,
  version: string,
  env: Readonly<Record<string, string>>,
): Promise<string | undefined> {
  // A version is never an option of git's, whatever the plan's versionPattern allows.
  if (version === '' || version.startsWith('-')) return undefined;
  const result = await execa('git', ['rev-parse', '--verify', '--quiet', `${version}^{commit}`], {
    cwd: workspaceDir,
    env: { ...env, GIT_TERMINAL_PROMPT: '0' },
    extendEnv: false,
    stdin: 'ignore',
    reject: false,
    timeout: 10_000,
  });
  const out = typeof result.stdout === 'string' ? result.stdout.trim() : '';
  return result.exitCode === 0 && sha.test(out) ? out : undefined;
}

/** Whether the plan uses the commit anywhere: `{{gitSha}}` in a command, URL or env value. */
export function usesGitSha(plan: object): boolean {
  return findVariables(JSON.stringify(plan)).includes('gitSha');
}

/**
 * For `npm run validate`: a note when the plan uses `{{gitSha}}` and the workspace cannot give it
 * (not a git repository, or git missing). Undefined when there is nothing to say.
 */
export async function gitShaNote(
  plan: object,
  workspaceDir: string,
  env: Readonly<Record<string, string>>,
): Promise<string | undefined> {
  if (!usesGitSha(plan)) return undefined;
  const result = await execa('git', ['rev-parse', '--is-inside-work-tree'], {
    cwd: workspaceDir,
    env,
    extendEnv: false,
    stdin: 'ignore',
    reject: false,
    timeout: 10_000,
  });
  if (result.exitCode === 0) return undefined;
  return `the plan uses {{gitSha}}, but ${workspaceDir} is not a git repository (or git is not on PATH): {{gitSha}} will have no value and STAGECOACH_GIT_SHA will be unset — clone the application into WORKSPACE_DIR`;
}
