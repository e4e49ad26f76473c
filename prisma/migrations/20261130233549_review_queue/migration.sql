-- AlterEnum
-- After ESCALATED_REVIEW, where schema.prisma declares it (hand-edited: Prisma appends).
ALTER TYPE "CaseStatus" ADD VALUE 'QA_REVIEW' AFTER 'ESCALATED_REVIEW';

-- AlterTable
ALTER TABLE "case" ADD COLUMN     "approved_amount" INTEGER,
ADD COLUMN     "claim_expires_at" TIMESTAMPTZ(3),
ADD COLUMN     "claim_id" UUID,
ADD COLUMN     "claim_version" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "claimed_by" UUID;
-- detecting_agency_id: added by the agencies migration before this one.

-- CreateTable
CREATE TABLE "review_decision" (
    "id" UUID NOT NULL,
    "case_id" UUID NOT NULL,
    "officer_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "from_state" TEXT NOT NULL,
    "to_state" TEXT NOT NULL,
    "reason_code" TEXT,
    "note" TEXT,
    "amount" INTEGER,
    "value" TEXT,
    "fingerprint" TEXT NOT NULL,
    "qa" BOOLEAN NOT NULL DEFAULT false,
    "qa_disagrees" BOOLEAN,
    "claim_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "review_decision_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "review_decision_claim_id_key" ON "review_decision"("claim_id");

-- CreateIndex
CREATE INDEX "review_decision_case_id_officer_id_idx" ON "review_decision"("case_id", "officer_id");

-- CreateIndex
CREATE INDEX "review_decision_officer_id_at_idx" ON "review_decision"("officer_id", "at");

-- CreateIndex
CREATE UNIQUE INDEX "case_claimed_by_key" ON "case"("claimed_by");

-- CreateIndex
CREATE INDEX "case_status_detecting_agency_id_notice_due_at_created_at_idx" ON "case"("status", "detecting_agency_id", "notice_due_at", "created_at");

-- AddForeignKey
ALTER TABLE "review_decision" ADD CONSTRAINT "review_decision_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
