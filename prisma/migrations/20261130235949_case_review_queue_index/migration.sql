-- CreateIndex
CREATE INDEX "case_status_detecting_agency_id_notice_due_at_idx" ON "case"("status", "detecting_agency_id", "notice_due_at");
