-- Changes that must reach live sessions at once are announced on the "auth_changes" channel
-- (lib/auth/strategy/change-feed.ts), whoever makes them: the app, a script, Prisma Studio or plain SQL.
-- Expired sessions are not announced: nobody can use them, and a purge deletes them by the million.

CREATE FUNCTION "auth_notify_session_end"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('auth_changes', json_build_object('kind', 'session', 'id', OLD."id")::text);
  RETURN NULL;
END;
$$;

CREATE TRIGGER "Session_announce_end" AFTER DELETE ON "Session"
  FOR EACH ROW WHEN (OLD."expires" > now()) EXECUTE FUNCTION "auth_notify_session_end"();
CREATE TRIGGER "Session_announce_shortened" AFTER UPDATE OF "expires" ON "Session"
  FOR EACH ROW WHEN (NEW."expires" < OLD."expires") EXECUTE FUNCTION "auth_notify_session_end"();

CREATE FUNCTION "auth_notify_user_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('auth_changes', json_build_object('kind', 'user', 'id', OLD."id")::text);
  RETURN NULL;
END;
$$;

CREATE TRIGGER "User_announce_change" AFTER UPDATE OF "active", "roleName", "email", "name" ON "User"
  FOR EACH ROW WHEN (OLD."active" IS DISTINCT FROM NEW."active" OR OLD."roleName" IS DISTINCT FROM NEW."roleName"
    OR OLD."email" IS DISTINCT FROM NEW."email" OR OLD."name" IS DISTINCT FROM NEW."name")
  EXECUTE FUNCTION "auth_notify_user_change"();
CREATE TRIGGER "User_announce_delete" AFTER DELETE ON "User"
  FOR EACH ROW EXECUTE FUNCTION "auth_notify_user_change"();

CREATE FUNCTION "auth_notify_role_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM pg_notify('auth_changes', json_build_object('kind', 'role', 'name', OLD."roleName")::text);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    PERFORM pg_notify('auth_changes', json_build_object('kind', 'role', 'name', NEW."roleName")::text);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "RolePermission_announce_change" AFTER INSERT OR UPDATE OR DELETE ON "RolePermission"
  FOR EACH ROW EXECUTE FUNCTION "auth_notify_role_change"();
