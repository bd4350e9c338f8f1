// `npm run deploy -- --stage=<environment>`: the infrastructure update (runbook 3.2). Nothing to
// change in the sample, so it reports the stack as up to date, as `cdk deploy` does.
import { beginStep, option } from '../../scripts/step.mjs';

const args = await beginStep('cdk-deploy', {
  error:
    'SampleEhrStack failed: UPDATE_ROLLBACK_COMPLETE: Resource handler returned message: "Access Denied"',
});
const stack = `SampleEhrStack-${option(args, 'stage') ?? 'dev'}`;
console.log(`${stack}: deploying...`);
console.log(`${stack}: no changes`);
console.log(`✅  ${stack} (no changes)`);
