-- One Session table for both strategies: JwtSession rows move into Session (strategy 'jwt', no token hash) with
-- their ids, so the `sid` in every issued JWT still names its row and nobody is signed out by the upgrade;
-- session data follows its session.

ALTER TABLE "Session" ADD COLUMN "strategy" TEXT NOT NULL DEFAULT 'database',
ALTER COLUMN "sessionToken" DROP NOT NULL;

INSERT INTO "Session" ("id", "strategy", "sessionToken", "userId", "expires", "createdAt", "lastSeenAt", "userAgent", "ip")
    SELECT "id", 'jwt', NULL, "userId", "expires", "createdAt", "lastSeenAt", "userAgent", "ip" FROM "JwtSession";

ALTER TABLE "SessionData" DROP CONSTRAINT "SessionData_jwtSessionId_fkey";
UPDATE "SessionData" SET "sessionId" = "jwtSessionId" WHERE "jwtSessionId" IS NOT NULL;
DROP INDEX "SessionData_jwtSessionId_idx";
ALTER TABLE "SessionData" DROP COLUMN "jwtSessionId";

ALTER TABLE "JwtSession" DROP CONSTRAINT "JwtSession_userId_fkey";
DROP TABLE "JwtSession";
