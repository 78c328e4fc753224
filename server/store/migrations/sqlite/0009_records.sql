-- A person's record as a set of records, each synced on its own (the records engine, see
-- domain::records). The single-document `plans` table stays only as the source the store moves
-- from, once, at start-up (`records::move_plans`); About me now lives in the `about_me` record.
CREATE TABLE records (
    person_id TEXT NOT NULL REFERENCES people (id),
    kind      TEXT NOT NULL,
    id        TEXT NOT NULL,
    parent_id TEXT,
    topic     TEXT NOT NULL,
    version   BIGINT NOT NULL,
    deleted   BIGINT NOT NULL DEFAULT 0,
    -- The record's fields, who wrote each and when, and who made it (JSON).
    body      TEXT NOT NULL,
    PRIMARY KEY (person_id, kind, id)
);
CREATE INDEX records_by_version ON records (person_id, version);

-- Each person's version: one more for every edit that changed records. A push locks its row,
-- so pushes to one person take turns across servers.
CREATE TABLE record_heads (
    person_id TEXT PRIMARY KEY REFERENCES people (id),
    version   BIGINT NOT NULL
);

-- The version an edit changed records at (NULL: it changed nothing, or it was decided before
-- records).
ALTER TABLE mutation_outcomes ADD COLUMN version BIGINT;
-- The edit format of each change in the log (1: the single-document plan).
ALTER TABLE plan_changes ADD COLUMN schema BIGINT NOT NULL DEFAULT 1;
