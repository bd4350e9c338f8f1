-- Local mode's stand-in Slack keeps its channels and messages (buttons included) across restarts,
-- one store per name (`local` for `npm start`). Production never writes here.
CREATE TABLE local_slack_channels (
  store   text NOT NULL,
  id      text NOT NULL,
  channel jsonb NOT NULL,
  PRIMARY KEY (store, id)
);

CREATE TABLE local_slack_messages (
  store      text NOT NULL,
  channel    text NOT NULL,
  ts         text NOT NULL,
  message    jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store, channel, ts)
);
