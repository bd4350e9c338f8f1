import type { DeployDeps } from '../ports.js';

/** What posting to people needs; narrower than DeployDeps so reports and scripts can post too. */
export type AnnounceDeps = Pick<DeployDeps, 'db' | 'plan' | 'messenger' | 'clock' | 'log'>;
