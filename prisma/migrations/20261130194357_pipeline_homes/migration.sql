-- Each mechanism gets one home: events carry their site and detecting unit as captured,
-- the plate parsed once at ingest, and the time of their last move. Outbox rows name
-- their entity in a column the reconciler can look up, and their job by their own id.

-- DropIndex
DROP INDEX "case_status_idx";

-- AlterTable: new columns, filled for rows stored before this migration.
ALTER TABLE "camera_event" ADD COLUMN "detecting_unit" TEXT,
ADD COLUMN "plate_format" TEXT,
ADD COLUMN "site_id" UUID,
ADD COLUMN "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

UPDATE "camera_event" e SET "site_id" = c."site_id", "detecting_unit" = c."agency", "updated_at" = e."received_at"
FROM "camera" c WHERE c."id" = e."camera_id";

ALTER TABLE "camera_event" ALTER COLUMN "detecting_unit" SET NOT NULL,
ALTER COLUMN "site_id" SET NOT NULL;

-- AlterTable: the outbox names its entity in a column. A row whose payload named none
-- could never be delivered: it becomes a dead letter.
ALTER TABLE "outbox_message" ADD COLUMN "entity_id" UUID;

INSERT INTO "failed_job" ("queue", "job_id", "payload", "reason", "attempts")
SELECT "queue", "job_id", "payload", 'outbox row ' || "id" || ': outbox payload carries no id', 0
FROM "outbox_message" WHERE coalesce("payload"->>'id', '') !~ '^[0-9a-fA-F-]{36}$';
DELETE FROM "outbox_message" WHERE coalesce("payload"->>'id', '') !~ '^[0-9a-fA-F-]{36}$';

UPDATE "outbox_message" SET "entity_id" = ("payload"->>'id')::uuid;

ALTER TABLE "outbox_message" DROP COLUMN "payload",
DROP COLUMN "job_id",
ALTER COLUMN "entity_id" SET NOT NULL;

-- AlterTable
ALTER TABLE "case" ADD COLUMN "plate_format" TEXT;

-- CreateIndex
CREATE INDEX "camera_event_status_updated_at_idx" ON "camera_event"("status", "updated_at");

-- CreateIndex
CREATE INDEX "outbox_message_entity_id_idx" ON "outbox_message"("entity_id");

-- CreateIndex
CREATE INDEX "case_status_updated_at_idx" ON "case"("status", "updated_at");

-- AddForeignKey
ALTER TABLE "camera_event" ADD CONSTRAINT "camera_event_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "site"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
