import { describe, expect, it } from 'vitest';
import { rolesMessage } from '../../../../src/announce/blocks/roles-message.js';
import type { Message } from '../../../../src/infra/slack/block-kit.js';
import { allText, describeEveryMessage, expectWithinSlackLimits, plan } from './fixtures.js';

/** One message of each kind this file's builders make, for the checks every message passes. */
function rolesMessages(): [string, Message][] {
  return [['roles', rolesMessage(plan, new Map([['deployment_lead', ['ULEAD']]]))]];
}

describe('message builders', () => {
  describeEveryMessage(rolesMessages());

  describe('the roles message', () => {
    it('lists every role of the plan with who holds it, unassigned ones marked', () => {
      const message = rolesMessage(
        plan,
        new Map([
          ['deployment_lead', ['ULEAD', 'UNEW']],
          ['project_lead', ['UPROJECT']],
        ]),
      );
      const text = allText(message);
      for (const role of plan.roles) expect(text).toContain(`*${role.name}* (\`${role.id}\`)`);
      expect(text).toContain('*Deployment Lead* (`deployment_lead`): <@ULEAD>, <@UNEW>');
      expect(text).toContain('*Database Admin* (`database_admin`): _unassigned_');
      expect(message.text).toContain('Deployment Lead: 2');
      expect(message.text).toContain('QA Lead: unassigned');
      expectWithinSlackLimits(message);
    });
  });
});
