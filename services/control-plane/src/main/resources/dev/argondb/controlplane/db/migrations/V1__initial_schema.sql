-- Tenants (projects), timelines (branches), endpoints (computes) and roles.
-- Ids are 32 lowercase hex characters (random 128-bit), as in Neon.

CREATE TABLE tenants (
  id         char(32)    PRIMARY KEY CHECK (id ~ '^[0-9a-f]{32}$'),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE timelines (
  id                   char(32)    PRIMARY KEY CHECK (id ~ '^[0-9a-f]{32}$'),
  tenant_id            char(32)    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name                 text        NOT NULL,
  ancestor_timeline_id char(32)    REFERENCES timelines (id),
  ancestor_lsn         pg_lsn,
  created_at           timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT timelines_tenant_name_key UNIQUE (tenant_id, name),
  -- A branch is a child of an ancestor AT an LSN: both or neither.
  CONSTRAINT timelines_ancestor_complete CHECK ((ancestor_timeline_id IS NULL) = (ancestor_lsn IS NULL))
);

CREATE TABLE endpoints (
  id                      char(32)    PRIMARY KEY CHECK (id ~ '^[0-9a-f]{32}$'),
  -- Unique across tenants: the gateway routes a connection by the endpoint name alone.
  name                    text        NOT NULL CONSTRAINT endpoints_name_key UNIQUE,
  tenant_id               char(32)    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  timeline_id             char(32)    NOT NULL REFERENCES timelines (id) ON DELETE CASCADE,
  read_only               boolean     NOT NULL DEFAULT false,
  lsn                     pg_lsn,
  state                   text        NOT NULL DEFAULT 'suspended'
                          CHECK (state IN ('starting', 'running', 'suspending', 'suspended', 'failed')),
  host                    text,
  port                    integer     CHECK (port BETWEEN 1 AND 65535),
  suspend_timeout_seconds integer     NOT NULL CHECK (suspend_timeout_seconds >= 0),
  last_active_at          timestamptz,
  created_at              timestamptz NOT NULL DEFAULT now()
);

-- Two read-write computes on one branch would both write WAL for it: at most one per timeline.
CREATE UNIQUE INDEX endpoints_one_read_write_per_timeline ON endpoints (timeline_id) WHERE NOT read_only;
CREATE INDEX endpoints_tenant_idx ON endpoints (tenant_id);

CREATE TABLE roles (
  tenant_id      char(32)    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name           text        NOT NULL,
  -- SCRAM-SHA-256 verifier in Postgres' own format; plaintext passwords are never stored.
  scram_verifier text        NOT NULL CHECK (scram_verifier LIKE 'SCRAM-SHA-256$%'),
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, name)
);
