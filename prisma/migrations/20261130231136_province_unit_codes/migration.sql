-- AlterTable
ALTER TABLE "owner" ADD COLUMN     "province_code" TEXT;

-- AlterTable
ALTER TABLE "site" ADD COLUMN     "province_code" TEXT;

-- AlterTable
ALTER TABLE "case" ADD COLUMN     "handling_province_code" TEXT;

-- CreateTable
CREATE TABLE "commune_police_connection" (
    "province_code" TEXT NOT NULL,
    "connected" BOOLEAN NOT NULL DEFAULT false,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "commune_police_connection_pkey" PRIMARY KEY ("province_code")
);
