-- DropIndex
DROP INDEX "User_roleName_idx";

-- CreateIndex
CREATE INDEX "User_roleName_id_idx" ON "User"("roleName", "id");

-- CreateIndex
CREATE INDEX "User_name_id_idx" ON "User"("name", "id");

-- CreateIndex
CREATE INDEX "User_createdAt_id_idx" ON "User"("createdAt", "id");
