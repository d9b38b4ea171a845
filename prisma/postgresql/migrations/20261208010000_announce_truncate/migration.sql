-- TRUNCATE fires no row trigger, yet `TRUNCATE "Session"` is the natural "sign everyone out". Each announced table
-- also announces a truncation, as a change to everything: every check made before it is stale
-- (lib/auth/strategy/change-feed.ts). TRUNCATE ... CASCADE fires the trigger of every table it empties.
-- PostgreSQL only: SQLite has neither TRUNCATE nor this feed.

CREATE FUNCTION "auth_notify_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('auth_changes', json_build_object('kind', 'all', 'table', TG_TABLE_NAME)::text);
  RETURN NULL;
END;
$$;

CREATE TRIGGER "Session_announce_truncate" AFTER TRUNCATE ON "Session"
  FOR EACH STATEMENT EXECUTE FUNCTION "auth_notify_truncate"();
CREATE TRIGGER "User_announce_truncate" AFTER TRUNCATE ON "User"
  FOR EACH STATEMENT EXECUTE FUNCTION "auth_notify_truncate"();
CREATE TRIGGER "RolePermission_announce_truncate" AFTER TRUNCATE ON "RolePermission"
  FOR EACH STATEMENT EXECUTE FUNCTION "auth_notify_truncate"();
