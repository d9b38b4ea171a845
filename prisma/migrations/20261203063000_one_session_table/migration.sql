-- One Session table for both strategies: JwtSession rows move into Session (strategy 'jwt', no token hash) with
-- their ids, so the `sid` in every issued JWT still names its row and nobody is signed out by the upgrade;
-- session data follows its session.

PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;

CREATE TABLE "new_Session" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "strategy" TEXT NOT NULL DEFAULT 'database',
    "sessionToken" TEXT,
    "userId" TEXT NOT NULL,
    "expires" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "userAgent" TEXT,
    "ip" TEXT,
    CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Session" ("id", "strategy", "sessionToken", "userId", "expires", "createdAt", "lastSeenAt", "userAgent", "ip")
    SELECT "id", 'database', "sessionToken", "userId", "expires", "createdAt", "lastSeenAt", "userAgent", "ip" FROM "Session";
INSERT INTO "new_Session" ("id", "strategy", "sessionToken", "userId", "expires", "createdAt", "lastSeenAt", "userAgent", "ip")
    SELECT "id", 'jwt', NULL, "userId", "expires", "createdAt", "lastSeenAt", "userAgent", "ip" FROM "JwtSession";
DROP TABLE "Session";
ALTER TABLE "new_Session" RENAME TO "Session";
CREATE UNIQUE INDEX "Session_sessionToken_key" ON "Session"("sessionToken");
CREATE INDEX "Session_userId_idx" ON "Session"("userId");
CREATE INDEX "Session_expires_idx" ON "Session"("expires");

CREATE TABLE "new_SessionData" (
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "data" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "expires" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "sessionId" TEXT,

    PRIMARY KEY ("key", "name"),
    CONSTRAINT "SessionData_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_SessionData" ("key", "name", "data", "version", "expires", "createdAt", "updatedAt", "sessionId")
    SELECT "key", "name", "data", "version", "expires", "createdAt", "updatedAt", COALESCE("sessionId", "jwtSessionId") FROM "SessionData";
DROP TABLE "SessionData";
ALTER TABLE "new_SessionData" RENAME TO "SessionData";
CREATE INDEX "SessionData_expires_idx" ON "SessionData"("expires");
CREATE INDEX "SessionData_sessionId_idx" ON "SessionData"("sessionId");

DROP INDEX "JwtSession_expires_idx";
DROP INDEX "JwtSession_userId_idx";
DROP TABLE "JwtSession";

PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
