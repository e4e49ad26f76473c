-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "Violation" ADD VALUE 'FORBIDDEN_U_TURN';
ALTER TYPE "Violation" ADD VALUE 'U_TURN_BANNED_PLACE';
ALTER TYPE "Violation" ADD VALUE 'REVERSING';

-- AlterTable
ALTER TABLE "fine_rule" ADD COLUMN     "withdrawn_at" TIMESTAMPTZ(3),
ADD COLUMN     "withdrawn_reason" TEXT;
