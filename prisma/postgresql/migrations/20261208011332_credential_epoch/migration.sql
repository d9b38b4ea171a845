-- AlterTable
ALTER TABLE "User" ADD COLUMN     "credentialEpoch" INTEGER NOT NULL DEFAULT 0;
