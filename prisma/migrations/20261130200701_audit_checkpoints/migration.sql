-- CreateTable
CREATE TABLE "audit_checkpoint" (
    "seq" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "after_id" BIGINT NOT NULL,
    "last_id" BIGINT NOT NULL,
    "entries" INTEGER NOT NULL,
    "digest" TEXT NOT NULL,
    "mac" TEXT NOT NULL,

    CONSTRAINT "audit_checkpoint_pkey" PRIMARY KEY ("seq")
);

-- The audit log and its checkpoints are append-only: rows are inserted, never changed or
-- removed, by anyone who does not first disable the triggers (a superuser can, which the
-- checkpoints and `audit verify` are there to catch). Row triggers see UPDATE and DELETE,
-- the statement trigger TRUNCATE. INSERT has no trigger: appends stay on the hot path.
CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege', HINT = 'audit history is never edited; record a correction as a new entry';
END;
$$;

CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON "audit_entry"
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON "audit_entry"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON "audit_checkpoint"
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON "audit_checkpoint"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
