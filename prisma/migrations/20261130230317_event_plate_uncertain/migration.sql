-- AlterTable
ALTER TABLE "camera_event" ADD COLUMN     "plate_uncertain" TEXT;
