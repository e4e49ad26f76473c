-- AlterTable
ALTER TABLE "case" ADD COLUMN     "handling_agency_id" UUID;

-- CreateIndex
CREATE INDEX "case_handling_agency_id_idx" ON "case"("handling_agency_id");

-- AddForeignKey
ALTER TABLE "case" ADD CONSTRAINT "case_handling_agency_id_fkey" FOREIGN KEY ("handling_agency_id") REFERENCES "agency"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Hand-written: cases already assessed get the agency their handling unit names, where one
-- is on record (the same choice as src/accounts provincialDivisions: the earliest added).
UPDATE "case" SET "handling_agency_id" = "detecting_agency_id" WHERE "handling_unit_kind" = 'DETECTING_UNIT';
UPDATE "case" c SET "handling_agency_id" = d.id
FROM (SELECT DISTINCT ON (province_code) id, province_code FROM "agency" WHERE kind = 'PROVINCIAL_TRAFFIC_POLICE' AND province_code IS NOT NULL ORDER BY province_code, created_at, code) d
WHERE c."handling_unit_kind" = 'PROVINCIAL_TRAFFIC_POLICE' AND c."handling_province_code" = d.province_code;
