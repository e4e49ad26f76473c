-- CreateIndex
CREATE INDEX "failed_job_payload_idx" ON "failed_job" USING GIN ("payload" jsonb_path_ops);
