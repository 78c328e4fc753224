-- Early-warning agreements: the person agrees that if a named indicator is seen (missed
-- appointments, eating less, repeated crisis calls), staff may contact a named member of
-- their circle about it.
CREATE TABLE early_warnings (
    id         TEXT PRIMARY KEY,
    person_id  TEXT NOT NULL REFERENCES people (id),
    indicator  TEXT NOT NULL,
    contact_id TEXT NOT NULL REFERENCES users (id),
    agreed_ms  BIGINT NOT NULL,
    agreed_by  TEXT NOT NULL REFERENCES users (id)
);
CREATE INDEX early_warnings_by_person ON early_warnings (person_id);
