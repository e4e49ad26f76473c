-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Violation" AS ENUM ('RED_LIGHT', 'SPEEDING', 'WRONG_WAY', 'WRONG_LANE', 'ILLEGAL_LANE_CHANGE', 'SIGN_VIOLATION', 'FORBIDDEN_TURN', 'RESTRICTED_ROAD', 'EMERGENCY_LANE', 'SIDEWALK', 'NO_HELMET', 'PASSENGER_NO_HELMET', 'PHONE_USE', 'NO_SEATBELT', 'PASSENGER_NO_SEATBELT', 'EXCESS_PASSENGERS', 'ILLEGAL_STOPPING', 'ILLEGAL_PARKING', 'STOPPING_AT_INTERSECTION', 'STOPPING_DANGEROUS_PLACE', 'STOPPING_CAUSING_CONGESTION', 'NOT_YIELDING_PRIORITY', 'NO_ETC_TOLL_LANE');

-- CreateEnum
CREATE TYPE "VehicleClass" AS ENUM ('CAR', 'TRUCK', 'BUS', 'MOTORCYCLE', 'MOPED');

-- CreateEnum
CREATE TYPE "PlateColor" AS ENUM ('WHITE', 'YELLOW', 'BLUE', 'RED');

-- CreateEnum
CREATE TYPE "CameraStatus" AS ENUM ('ACTIVE', 'DISABLED');

-- CreateEnum
CREATE TYPE "EventStatus" AS ENUM ('RECEIVED', 'MERGED', 'OPENED_CASE', 'REJECTED');

-- CreateEnum
CREATE TYPE "CaseStatus" AS ENUM ('DETECTED', 'OWNER_RESOLVED', 'FINE_ASSESSED', 'PENDING_REVIEW', 'ESCALATED_REVIEW', 'APPROVED', 'REJECTED', 'NOTICE_ISSUED', 'NOTIFIED', 'RESPONDED', 'OVERDUE', 'PAID', 'CLOSED');

-- CreateTable
CREATE TABLE "site" (
    "id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "province" TEXT NOT NULL,
    "latitude" DOUBLE PRECISION,
    "longitude" DOUBLE PRECISION,
    "is_expressway" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "site_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "camera" (
    "id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "site_id" UUID NOT NULL,
    "agency" TEXT NOT NULL,
    "secret_encrypted" TEXT NOT NULL,
    "status" "CameraStatus" NOT NULL DEFAULT 'ACTIVE',
    "cert_number" TEXT NOT NULL,
    "cert_expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "camera_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "camera_event" (
    "id" UUID NOT NULL,
    "camera_id" UUID NOT NULL,
    "device_event_id" TEXT NOT NULL,
    "payload_sha256" TEXT NOT NULL,
    "captured_at" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "violation" "Violation" NOT NULL,
    "vehicle_class" "VehicleClass" NOT NULL,
    "plate_raw" TEXT NOT NULL,
    "plate" TEXT,
    "plate_confidence" DOUBLE PRECISION NOT NULL,
    "plate_color" "PlateColor" NOT NULL,
    "speed_measured_kmh" INTEGER,
    "speed_limit_kmh" INTEGER,
    "lane" TEXT,
    "signal_phase" TEXT,
    "passenger_count" INTEGER,
    "latitude" DOUBLE PRECISION,
    "longitude" DOUBLE PRECISION,
    "location_description" TEXT,
    "status" "EventStatus" NOT NULL DEFAULT 'RECEIVED',
    "reject_reason" TEXT,
    "case_id" UUID,

    CONSTRAINT "camera_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "evidence" (
    "id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "size_bytes" INTEGER NOT NULL,

    CONSTRAINT "evidence_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outbox_message" (
    "id" BIGSERIAL NOT NULL,
    "queue" TEXT NOT NULL,
    "job_id" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "available_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "outbox_message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "case" (
    "id" UUID NOT NULL,
    "plate" TEXT NOT NULL,
    "plate_raw" TEXT NOT NULL,
    "plate_color" "PlateColor" NOT NULL,
    "violation" "Violation" NOT NULL,
    "vehicle_class" "VehicleClass" NOT NULL,
    "site_id" UUID NOT NULL,
    "status" "CaseStatus" NOT NULL DEFAULT 'DETECTED',
    "flags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "first_captured_at" TIMESTAMPTZ(3) NOT NULL,
    "last_captured_at" TIMESTAMPTZ(3) NOT NULL,
    "event_count" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "case_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_entry" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "entity_type" TEXT NOT NULL,
    "entity_id" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "from_state" TEXT,
    "to_state" TEXT,
    "reason" TEXT,
    "data" JSONB,
    "prev_hash" TEXT,
    "hash" TEXT NOT NULL,

    CONSTRAINT "audit_entry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "site_code_key" ON "site"("code");

-- CreateIndex
CREATE UNIQUE INDEX "camera_code_key" ON "camera"("code");

-- CreateIndex
CREATE INDEX "camera_event_case_id_idx" ON "camera_event"("case_id");

-- CreateIndex
CREATE UNIQUE INDEX "camera_event_camera_id_device_event_id_key" ON "camera_event"("camera_id", "device_event_id");

-- CreateIndex
CREATE INDEX "evidence_sha256_idx" ON "evidence"("sha256");

-- CreateIndex
CREATE UNIQUE INDEX "evidence_event_id_position_key" ON "evidence"("event_id", "position");

-- CreateIndex
CREATE INDEX "outbox_message_available_at_id_idx" ON "outbox_message"("available_at", "id");

-- CreateIndex
CREATE INDEX "case_plate_violation_site_id_first_captured_at_idx" ON "case"("plate", "violation", "site_id", "first_captured_at");

-- CreateIndex
CREATE INDEX "case_status_idx" ON "case"("status");

-- CreateIndex
CREATE UNIQUE INDEX "audit_entry_hash_key" ON "audit_entry"("hash");

-- CreateIndex
CREATE INDEX "audit_entry_entity_type_entity_id_id_idx" ON "audit_entry"("entity_type", "entity_id", "id");

-- AddForeignKey
ALTER TABLE "camera" ADD CONSTRAINT "camera_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "site"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "camera_event" ADD CONSTRAINT "camera_event_camera_id_fkey" FOREIGN KEY ("camera_id") REFERENCES "camera"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "camera_event" ADD CONSTRAINT "camera_event_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "case"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "evidence" ADD CONSTRAINT "evidence_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "camera_event"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "case" ADD CONSTRAINT "case_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "site"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
