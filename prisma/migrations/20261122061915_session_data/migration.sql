-- CreateTable
CREATE TABLE "SessionData" (
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "data" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "expires" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "sessionId" TEXT,
    "jwtSessionId" TEXT,

    PRIMARY KEY ("key", "name"),
    CONSTRAINT "SessionData_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "SessionData_jwtSessionId_fkey" FOREIGN KEY ("jwtSessionId") REFERENCES "JwtSession" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "SessionData_expires_idx" ON "SessionData"("expires");

-- CreateIndex
CREATE INDEX "SessionData_sessionId_idx" ON "SessionData"("sessionId");

-- CreateIndex
CREATE INDEX "SessionData_jwtSessionId_idx" ON "SessionData"("jwtSessionId");
