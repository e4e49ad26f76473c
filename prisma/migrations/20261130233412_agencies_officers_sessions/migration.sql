-- CreateEnum
CREATE TYPE "AgencyKind" AS ENUM ('TRAFFIC_POLICE_DEPARTMENT', 'PROVINCIAL_TRAFFIC_POLICE', 'TRAFFIC_POLICE_TEAM', 'EXPRESSWAY_PATROL', 'COMMUNE_POLICE');

-- CreateEnum
CREATE TYPE "OfficerRole" AS ENUM ('REVIEWER', 'SUPERVISOR', 'ADMIN');

-- CreateEnum
CREATE TYPE "SessionKind" AS ENUM ('COOKIE', 'BEARER');

-- AlterTable
ALTER TABLE "camera_event" ADD COLUMN     "detecting_agency_id" UUID;

-- AlterTable
ALTER TABLE "case" ADD COLUMN     "detecting_agency_id" UUID;

-- CreateTable
CREATE TABLE "agency" (
    "id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "AgencyKind" NOT NULL DEFAULT 'PROVINCIAL_TRAFFIC_POLICE',
    "province_code" TEXT,
    "parent_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "agency_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "officer" (
    "id" UUID NOT NULL,
    "username" TEXT NOT NULL,
    "full_name" TEXT NOT NULL,
    "agency_id" UUID NOT NULL,
    "roles" "OfficerRole"[],
    "active" BOOLEAN NOT NULL DEFAULT true,
    "password_hash" TEXT NOT NULL,
    "failed_logins" INTEGER NOT NULL DEFAULT 0,
    "locked_until" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "officer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "officer_session" (
    "id" TEXT NOT NULL,
    "officer_id" UUID NOT NULL,
    "kind" "SessionKind" NOT NULL,
    "csrf_token" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "officer_session_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "agency_code_key" ON "agency"("code");

-- CreateIndex
CREATE INDEX "agency_parent_id_idx" ON "agency"("parent_id");

-- CreateIndex
CREATE UNIQUE INDEX "officer_username_key" ON "officer"("username");

-- CreateIndex
CREATE INDEX "officer_agency_id_idx" ON "officer"("agency_id");

-- CreateIndex
CREATE INDEX "officer_session_officer_id_idx" ON "officer_session"("officer_id");

-- CreateIndex
CREATE INDEX "case_detecting_agency_id_idx" ON "case"("detecting_agency_id");

-- Hand-written: agencies from the free-text agencies cameras carry today, so deployed rows
-- keep working. One agency per distinct text, coded LEGACY-<first 8 hex of md5(text)>,
-- in the province of its cameras' sites (null when they differ or have no unit: set it
-- with "agency set-province"); rename and re-parent them with the admin CLI.
ALTER TABLE "camera" ADD COLUMN "agency_id" UUID;
INSERT INTO "agency" ("id", "code", "name", "kind", "province_code")
SELECT gen_random_uuid(), 'LEGACY-' || upper(left(md5(c."agency"), 8)), c."agency", 'PROVINCIAL_TRAFFIC_POLICE',
  CASE WHEN count(DISTINCT s."province_code") = 1 THEN min(s."province_code") END
FROM "camera" c JOIN "site" s ON s."id" = c."site_id"
GROUP BY c."agency";
UPDATE "camera" c SET "agency_id" = a."id" FROM "agency" a WHERE a."code" = 'LEGACY-' || upper(left(md5(c."agency"), 8));
ALTER TABLE "camera" ALTER COLUMN "agency_id" SET NOT NULL;
ALTER TABLE "camera" DROP COLUMN "agency";
-- Events and cases already stored: the agency of their camera (a case: of its first capture).
UPDATE "camera_event" e SET "detecting_agency_id" = c."agency_id" FROM "camera" c WHERE c."id" = e."camera_id";
UPDATE "case" k SET "detecting_agency_id" = f."detecting_agency_id"
FROM (SELECT DISTINCT ON ("case_id") "case_id", "detecting_agency_id" FROM "camera_event"
      WHERE "case_id" IS NOT NULL ORDER BY "case_id", "captured_at", "id") f
WHERE f."case_id" = k."id";

-- AddForeignKey
ALTER TABLE "camera" ADD CONSTRAINT "camera_agency_id_fkey" FOREIGN KEY ("agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "camera_event" ADD CONSTRAINT "camera_event_detecting_agency_id_fkey" FOREIGN KEY ("detecting_agency_id") REFERENCES "agency"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "case" ADD CONSTRAINT "case_detecting_agency_id_fkey" FOREIGN KEY ("detecting_agency_id") REFERENCES "agency"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agency" ADD CONSTRAINT "agency_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "agency"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "officer" ADD CONSTRAINT "officer_agency_id_fkey" FOREIGN KEY ("agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "officer_session" ADD CONSTRAINT "officer_session_officer_id_fkey" FOREIGN KEY ("officer_id") REFERENCES "officer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
