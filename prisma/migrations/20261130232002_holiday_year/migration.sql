-- CreateTable
CREATE TABLE "holiday_year" (
    "year" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "calendar" JSONB NOT NULL,
    "loaded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "holiday_year_pkey" PRIMARY KEY ("year")
);
