// Whether a migrations step (`records: schema_changed`) changed the schema: yes, unless it said not.
import type { CommandRun } from './command.schema.js';

/** What migration tools print when they had nothing to do; a plan may replace it. */
const defaultSchemaUnchangedPattern =
  /no (pending )?migrations|nothing to migrate|already up to date|schema changed:\s*no\b/i;
/** Stagecoach's own marker, still honoured, but no longer required. */
const defaultSchemaChangedPattern = /schema changed:\s*yes/i;

export interface SchemaChangeWatch {
  /** Every output line as it streams: a no-change line must count even after it left the tail. */
  see(line: string): void;
  /** `ran`: the process started. A failed or killed migration may have changed half the schema. */
  changed(ran: boolean): boolean;
}

/**
 * Fail safe: a migration that ran counts as a change, whatever its exit, unless its output says
 * nothing changed. Wrongly saying "changed" costs a question at rollback time; wrongly saying
 * "unchanged" rolls the code back onto a schema it does not know.
 */
export function watchSchemaChange(
  run: Pick<CommandRun, 'schemaChangedPattern' | 'schemaUnchangedPattern'>,
): SchemaChangeWatch {
  const changedPattern = run.schemaChangedPattern
    ? new RegExp(run.schemaChangedPattern, 'i')
    : defaultSchemaChangedPattern;
  const unchangedPattern = run.schemaUnchangedPattern
    ? new RegExp(run.schemaUnchangedPattern, 'i')
    : defaultSchemaUnchangedPattern;
  let saidChanged = false;
  let saidUnchanged = false;
  return {
    see(line) {
      saidChanged ||= changedPattern.test(line);
      saidUnchanged ||= unchangedPattern.test(line);
    },
    // Saying both (one database up to date, another migrated) is a change.
    changed: (ran) => ran && (saidChanged || !saidUnchanged),
  };
}
