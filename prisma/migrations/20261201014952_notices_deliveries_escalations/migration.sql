-- CreateEnum
CREATE TYPE "DeliveryChannel" AS ENUM ('EMAIL', 'EID', 'SMS', 'POST');

-- CreateEnum
CREATE TYPE "DeliveryStatus" AS ENUM ('PENDING', 'QUEUED', 'SENDING', 'SENT', 'DELIVERED', 'BOUNCED', 'FAILED', 'UNKNOWN');

-- CreateEnum
CREATE TYPE "EscalationTarget" AS ENUM ('INSPECTION_REGISTRY', 'VEHICLE_REGISTRATION', 'DRIVING_LICENCE', 'COMMUNE_POLICE');

-- CreateEnum
CREATE TYPE "EscalationStatus" AS ENUM ('PENDING', 'SENT', 'LIFT_PENDING', 'LIFTED');

-- CreateEnum
CREATE TYPE "OwnerResponseKind" AS ENUM ('CAME_IN_PERSON', 'DRIVER_IDENTIFIED');

-- AlterEnum
ALTER TYPE "CaseStatus" ADD VALUE 'TIME_BARRED';

-- AlterTable
ALTER TABLE "agency" ADD COLUMN     "address" TEXT,
ADD COLUMN     "notice_number_pattern" TEXT,
ADD COLUMN     "parent_name" TEXT,
ADD COLUMN     "phone" TEXT;

-- CreateTable
CREATE TABLE "notice_sequence" (
    "agency_id" UUID NOT NULL,
    "year" INTEGER NOT NULL,
    "last" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "notice_sequence_pkey" PRIMARY KEY ("agency_id","year")
);

-- CreateTable
CREATE TABLE "notice" (
    "id" UUID NOT NULL,
    "case_id" UUID NOT NULL,
    "agency_id" UUID NOT NULL,
    "year" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,
    "number" TEXT NOT NULL,
    "language" TEXT NOT NULL DEFAULT 'vi',
    "issued_at" TIMESTAMPTZ(3) NOT NULL,
    "pdf_sha256" TEXT,
    "pdf_bytes" INTEGER,
    "access_code_hash" TEXT,
    "sent_at" TIMESTAMPTZ(3),
    "response_due_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "delivery" (
    "id" UUID NOT NULL,
    "notice_id" UUID NOT NULL,
    "channel" "DeliveryChannel" NOT NULL,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'PENDING',
    "address" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "message_id" TEXT NOT NULL,
    "provider_message_id" TEXT,
    "last_error" TEXT,
    "post_batch_id" UUID,
    "sending_at" TIMESTAMPTZ(3),
    "sent_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    "failed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "delivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "post_batch" (
    "id" UUID NOT NULL,
    "day" TEXT NOT NULL,
    "pdf_sha256" TEXT NOT NULL,
    "manifest_sha256" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "post_batch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "escalation" (
    "id" UUID NOT NULL,
    "case_id" UUID NOT NULL,
    "target" "EscalationTarget" NOT NULL,
    "status" "EscalationStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "provider_ref" TEXT,
    "sent_at" TIMESTAMPTZ(3),
    "lifted_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "escalation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "owner_response" (
    "id" UUID NOT NULL,
    "case_id" UUID NOT NULL,
    "kind" "OwnerResponseKind" NOT NULL,
    "driver_name" TEXT,
    "driver_id_number" TEXT,
    "note" TEXT,
    "officer_id" UUID NOT NULL,
    "responded_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "owner_response_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "notice_case_id_key" ON "notice"("case_id");

-- CreateIndex
CREATE UNIQUE INDEX "notice_number_key" ON "notice"("number");

-- CreateIndex
CREATE UNIQUE INDEX "notice_agency_id_year_seq_key" ON "notice"("agency_id", "year", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "delivery_message_id_key" ON "delivery"("message_id");

-- CreateIndex
CREATE INDEX "delivery_status_updated_at_idx" ON "delivery"("status", "updated_at");

-- CreateIndex
CREATE UNIQUE INDEX "delivery_notice_id_channel_key" ON "delivery"("notice_id", "channel");

-- CreateIndex
CREATE UNIQUE INDEX "post_batch_day_key" ON "post_batch"("day");

-- CreateIndex
CREATE INDEX "escalation_status_updated_at_idx" ON "escalation"("status", "updated_at");

-- CreateIndex
CREATE UNIQUE INDEX "escalation_case_id_target_key" ON "escalation"("case_id", "target");

-- CreateIndex
CREATE INDEX "owner_response_case_id_idx" ON "owner_response"("case_id");

-- AddForeignKey
ALTER TABLE "notice_sequence" ADD CONSTRAINT "notice_sequence_agency_id_fkey" FOREIGN KEY ("agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notice" ADD CONSTRAINT "notice_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notice" ADD CONSTRAINT "notice_agency_id_fkey" FOREIGN KEY ("agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "delivery" ADD CONSTRAINT "delivery_notice_id_fkey" FOREIGN KEY ("notice_id") REFERENCES "notice"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "delivery" ADD CONSTRAINT "delivery_post_batch_id_fkey" FOREIGN KEY ("post_batch_id") REFERENCES "post_batch"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "escalation" ADD CONSTRAINT "escalation_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "owner_response" ADD CONSTRAINT "owner_response_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "owner_response" ADD CONSTRAINT "owner_response_officer_id_fkey" FOREIGN KEY ("officer_id") REFERENCES "officer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
