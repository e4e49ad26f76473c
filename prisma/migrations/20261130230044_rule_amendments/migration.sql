-- CreateTable
CREATE TABLE "rule_amendment" (
    "decree" TEXT NOT NULL,
    "amends" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "effective_from" DATE NOT NULL,
    "articles" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "source_note" TEXT NOT NULL,
    "reviewed_at" TIMESTAMPTZ(3),
    "review_note" TEXT,
    "loaded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rule_amendment_pkey" PRIMARY KEY ("decree")
);
