-- Every compute start of a timeline is a new term: safekeepers follow only the highest term they have
-- seen, which fences a stale compute. term_history lists (term, start LSN) of the WAL the safekeepers
-- hold, as chosen at each start; start_lsn is where the timeline's WAL begins (known after its first start).
ALTER TABLE timelines
  ADD COLUMN term         bigint NOT NULL DEFAULT 0 CHECK (term >= 0),
  ADD COLUMN term_history jsonb  NOT NULL DEFAULT '[]',
  ADD COLUMN start_lsn    pg_lsn;
