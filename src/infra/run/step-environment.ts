/** Variables a plan command never needs and must never see: the bot's own credentials. */
const withheld =
  /^(SLACK_|STATUSPAGE_|DATABASE_URL$|REDIS_URL$|SMTP_URL$|APP_DATABASE_URL$)|TOKEN|SECRET|PASSWORD|API_KEY/i;

/** The environment plan commands run with: the bot's, minus its credentials. */
export function stepEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !withheld.test(name)) kept[name] = value;
  }
  return kept;
}
