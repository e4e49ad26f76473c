-- CreateEnum
CREATE TYPE "OwnerType" AS ENUM ('PERSON', 'ORGANISATION');

-- AlterTable
ALTER TABLE "case" ADD COLUMN     "detecting_unit" TEXT,
ADD COLUMN     "fine_amount" INTEGER,
ADD COLUMN     "fine_max" INTEGER,
ADD COLUMN     "fine_min" INTEGER,
ADD COLUMN     "fine_multiplier" INTEGER,
ADD COLUMN     "fine_rule_id" UUID,
ADD COLUMN     "fine_rule_version" INTEGER,
ADD COLUMN     "handling_unit" TEXT,
ADD COLUMN     "handling_unit_kind" TEXT,
ADD COLUMN     "legal_basis" TEXT,
ADD COLUMN     "limitation_ends_at" TIMESTAMPTZ(3),
ADD COLUMN     "notice_due_at" TIMESTAMPTZ(3),
ADD COLUMN     "owner_id" UUID,
ADD COLUMN     "points" INTEGER,
ADD COLUMN     "registry_snapshot" JSONB;

-- CreateTable
CREATE TABLE "owner" (
    "id" UUID NOT NULL,
    "owner_type" "OwnerType" NOT NULL,
    "name" TEXT NOT NULL,
    "id_number" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "province" TEXT NOT NULL,
    "email" TEXT,
    "phone" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "owner_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "registration" (
    "id" UUID NOT NULL,
    "plate" TEXT NOT NULL,
    "plate_color" "PlateColor" NOT NULL,
    "vehicle_class" "VehicleClass" NOT NULL,
    "make" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "color" TEXT NOT NULL,
    "owner_id" UUID NOT NULL,
    "valid_from" TIMESTAMPTZ(3) NOT NULL,
    "valid_to" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "registration_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "fine_rule" (
    "id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "violation" "Violation" NOT NULL,
    "vehicle_classes" "VehicleClass"[],
    "conditions" JSONB NOT NULL,
    "fine_min" INTEGER NOT NULL,
    "fine_max" INTEGER NOT NULL,
    "points" INTEGER NOT NULL,
    "decree" TEXT NOT NULL,
    "article" INTEGER NOT NULL,
    "clause" INTEGER NOT NULL,
    "point" TEXT NOT NULL,
    "commune_competent" BOOLEAN NOT NULL,
    "effective_from" DATE NOT NULL,
    "effective_to" DATE,
    "source" TEXT NOT NULL,
    "loaded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "fine_rule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "failed_job" (
    "id" BIGSERIAL NOT NULL,
    "queue" TEXT NOT NULL,
    "job_id" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "reason" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "failed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "redriven_at" TIMESTAMPTZ(3),

    CONSTRAINT "failed_job_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "owner_owner_type_id_number_key" ON "owner"("owner_type", "id_number");

-- CreateIndex
CREATE INDEX "registration_plate_valid_from_idx" ON "registration"("plate", "valid_from");

-- CreateIndex
CREATE UNIQUE INDEX "registration_plate_plate_color_valid_from_key" ON "registration"("plate", "plate_color", "valid_from");

-- CreateIndex
CREATE INDEX "fine_rule_violation_effective_from_idx" ON "fine_rule"("violation", "effective_from");

-- CreateIndex
CREATE UNIQUE INDEX "fine_rule_code_version_key" ON "fine_rule"("code", "version");

-- CreateIndex
CREATE INDEX "failed_job_redriven_at_failed_at_idx" ON "failed_job"("redriven_at", "failed_at");

-- AddForeignKey
ALTER TABLE "registration" ADD CONSTRAINT "registration_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "owner"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "case" ADD CONSTRAINT "case_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "owner"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "case" ADD CONSTRAINT "case_fine_rule_id_fkey" FOREIGN KEY ("fine_rule_id") REFERENCES "fine_rule"("id") ON DELETE SET NULL ON UPDATE CASCADE;
