-- The sync engine's state per plan: the current plan (domain::plan::Plan as JSON) at a version,
-- the numbered log of accepted changes, and the one outcome of every pushed mutation.
CREATE TABLE plans (
    person_id TEXT PRIMARY KEY REFERENCES people (id),
    state     TEXT NOT NULL,
    version   BIGINT NOT NULL
);

CREATE TABLE plan_changes (
    person_id TEXT NOT NULL REFERENCES people (id),
    version   BIGINT NOT NULL,
    client_id TEXT NOT NULL,
    seq       BIGINT NOT NULL,
    op        TEXT NOT NULL,
    PRIMARY KEY (person_id, version)
);

CREATE TABLE mutation_outcomes (
    person_id TEXT NOT NULL REFERENCES people (id),
    client_id TEXT NOT NULL,
    seq       BIGINT NOT NULL,
    outcome   TEXT NOT NULL,
    PRIMARY KEY (person_id, client_id, seq)
);
