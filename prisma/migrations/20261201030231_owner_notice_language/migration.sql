-- AlterTable
ALTER TABLE "owner" ADD COLUMN     "notice_language" TEXT NOT NULL DEFAULT 'vi';
