import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { linksBlock } from '../../../src/announce/blocks/links.js';
import { AppError } from '../../../src/errors.js';
import { parsePlan } from '../../../src/plan/load-plan.js';

const medplum = readFileSync('templates/plans/medplum-v4.yaml', 'utf8');
const withLinks = (links: unknown) => {
  const doc = parseDocument(medplum);
  doc.set('links', links);
  return doc.toString();
};

describe('plan links (issue #16: links out)', () => {
  it('become link buttons with the deployment filled in, URL-encoded', () => {
    const plan = parsePlan(
      withLinks([
        {
          label: 'Grafana',
          url: 'https://grafana.example/d/x?env={{environment}}&v={{version}}&id={{deploymentId}}',
        },
      ]),
      'plan.yaml',
    );
    const block = linksBlock(plan.links, { id: 7, version: 'v4.0.0+build 1', environment: 'production' });
    expect(block).toEqual({
      type: 'actions',
      block_id: 'links',
      elements: [
        {
          type: 'button',
          action_id: 'link_0',
          text: { type: 'plain_text', text: 'Grafana', emoji: true },
          url: 'https://grafana.example/d/x?env=production&v=v4.0.0%2Bbuild%201&id=7',
        },
      ],
    });
  });

  it('are optional: no links, no block', () => {
    expect(linksBlock([], { id: 1, version: 'v1', environment: 'production' })).toBeUndefined();
  });

  it('refuses a variable a link cannot fill in, naming the link and the fix', () => {
    try {
      parsePlan(withLinks([{ label: 'Logs', url: 'https://logs.example/{{backupFile}}' }]), 'plan.yaml');
      throw new Error('the plan was accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).message).toMatch(
        /links\[0\]\.url.*\{\{backupFile\}\}.*use only \{\{version\}\}/s,
      );
    }
  });
});
