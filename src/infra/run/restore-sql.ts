// The SQL psql runs around a backup's replay, in the same transaction (see restore-database.ts).

/**
 * Drops every user schema (with what depends on it) and recreates an empty `public` as initdb
 * makes it. pg_dump (15 and later) never creates `public`: it writes only how `public` differs
 * from that (owner, grants, comment), so the replay needs that starting point to end with
 * `public` as it was, not owned by the bot's user and closed to the application's role.
 *
 * A user who is not a superuser may hand a table to another role only if that role may CREATE in
 * the schema, but the backup grants that only at its end. So such a user lets everyone CREATE in
 * `public` while the replay runs, and takes it back afterwards (finishSql) unless everyone could
 * before. Nobody else sees it: the whole restore is one transaction.
 */
export const resetSql = `DO $$
DECLARE
  target text;
  public_create boolean;
BEGIN
  SELECT coalesce(bool_or(acl.grantee = 0 AND acl.privilege_type = 'CREATE'), false) INTO public_create
    FROM pg_namespace, aclexplode(coalesce(nspacl, acldefault('n', nspowner))) AS acl
    WHERE nspname = 'public';
  FOR target IN SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' LOOP
    EXECUTE format('DROP SCHEMA %I CASCADE', target);
  END LOOP;
  -- pg_database_owner exists from PostgreSQL 14; a superuser and the database's owner are members.
  IF coalesce(pg_has_role(to_regrole('pg_database_owner'), 'MEMBER'), false) THEN
    CREATE SCHEMA public AUTHORIZATION pg_database_owner;
  ELSE
    CREATE SCHEMA public;
  END IF;
  GRANT USAGE ON SCHEMA public TO PUBLIC;
  COMMENT ON SCHEMA public IS 'standard public schema';
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AND NOT public_create THEN
    GRANT CREATE ON SCHEMA public TO PUBLIC;
    PERFORM set_config('stagecoach.revoke_public_create', 'on', true);
  END IF;
END $$;
`;

/** Takes back the replay-only CREATE on `public` (see resetSql). */
export const finishSql = `DO $$
BEGIN
  IF current_setting('stagecoach.revoke_public_create', true) = 'on' THEN
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
  END IF;
END $$;
`;
