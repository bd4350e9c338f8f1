import type { Config } from '../config.js';
import type { Logger } from '../log.js';

/**
 * With ADMIN_USER_IDS empty nobody can run `/deploy role`, so roles can only be given by editing the
 * database: say so once at start-up, where the operator looks. Local mode makes the demo lead an
 * admin instead, so it needs no warning.
 */
export function warnIfNoAdmins(config: Config, log: Logger): void {
  if (config.localMode || config.adminUserIds.length > 0) return;
  log.warn(
    'ADMIN_USER_IDS is empty: nobody can assign roles with /deploy role; set it to comma-separated Slack user ids, e.g. ADMIN_USER_IDS=U012AB3CD,U045EF6GH',
  );
}
