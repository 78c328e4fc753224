-- Accounts, roles, the person's consent by topic, invitations, sessions and the audit trail.

-- Everyone who signs in. `password_hash` (argon2, PHC string) is empty until the person sets a
-- password through their invitation. `email` is kept lower-case.
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT
);

-- What staff do, per service (site).
CREATE TABLE staff_roles (
    user_id    TEXT NOT NULL REFERENCES users (id),
    service_id TEXT NOT NULL REFERENCES services (id),
    role       TEXT NOT NULL,
    PRIMARY KEY (user_id, service_id, role)
);

-- Who is in each person's circle, and how.
CREATE TABLE circle_members (
    person_id TEXT NOT NULL REFERENCES people (id),
    user_id   TEXT NOT NULL REFERENCES users (id),
    role      TEXT NOT NULL,
    PRIMARY KEY (person_id, user_id)
);

-- The topics the person shares with each member of their circle: a row per shared topic.
CREATE TABLE consent (
    person_id TEXT NOT NULL REFERENCES people (id),
    user_id   TEXT NOT NULL REFERENCES users (id),
    topic     TEXT NOT NULL,
    PRIMARY KEY (person_id, user_id, topic)
);

-- Single-use links into a circle. Only a hash of the token is kept.
CREATE TABLE invitations (
    token_hash TEXT PRIMARY KEY,
    person_id  TEXT NOT NULL REFERENCES people (id),
    user_id    TEXT NOT NULL REFERENCES users (id),
    invited_by TEXT NOT NULL REFERENCES users (id),
    created_ms BIGINT NOT NULL,
    expires_ms BIGINT NOT NULL,
    used_ms    BIGINT
);

-- Server-side sessions (tower-sessions records as JSON). The cookie holds only the id.
CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    user_id    TEXT,
    record     TEXT NOT NULL,
    expires_ms BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Who looked at and changed what. Never updated or deleted by Circle.
CREATE TABLE audit_events (
    id        TEXT PRIMARY KEY,
    at_ms     BIGINT NOT NULL,
    user_id   TEXT,
    user_name TEXT NOT NULL,
    device    TEXT NOT NULL,
    person_id TEXT,
    kind      TEXT NOT NULL,
    summary   TEXT NOT NULL,
    before    TEXT,
    after     TEXT
);
CREATE INDEX audit_by_person ON audit_events (person_id, at_ms);
CREATE INDEX audit_by_time ON audit_events (at_ms);
