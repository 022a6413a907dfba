-- Each tenant's PITR window: how far back branches at a time or an LSN stay possible (the pageserver's GC keeps
-- that much history). Neon's default is 7 days.
ALTER TABLE tenants ADD COLUMN pitr_interval_seconds bigint NOT NULL DEFAULT 604800
  CHECK (pitr_interval_seconds >= 0);
