-- Branches at an LSN and read-only endpoints pinned at one.
-- Deleting a timeline looks up its child branches and its endpoints.
CREATE INDEX timelines_ancestor_idx ON timelines (ancestor_timeline_id) WHERE ancestor_timeline_id IS NOT NULL;
CREATE INDEX endpoints_timeline_idx ON endpoints (timeline_id);
-- A read-only endpoint is one pinned at a past LSN; a read-write one follows its branch's end.
ALTER TABLE endpoints ADD CONSTRAINT endpoints_read_only_at_lsn CHECK (read_only = (lsn IS NOT NULL));
