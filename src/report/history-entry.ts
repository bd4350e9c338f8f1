import type { DeploymentState } from '../deploy/model/lifecycle.js';

/** One row of `/deploy history`. */
export interface HistoryEntry {
  id: number;
  environment: string;
  version: string;
  state: DeploymentState;
  startedBy: string;
  dryRun: boolean;
  createdAt: Date;
  endedAt: Date | null;
}

export interface EnvironmentHistory {
  environment: string;
  deployments: HistoryEntry[];
}
