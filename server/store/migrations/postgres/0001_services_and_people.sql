-- Services (sites) and the people each supports.
CREATE TABLE services (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL
);

CREATE TABLE people (
    id             TEXT PRIMARY KEY,
    service_id     TEXT NOT NULL REFERENCES services (id),
    name           TEXT NOT NULL,
    preferred_name TEXT,
    pronouns       TEXT,
    -- The one-page profile, as JSON (domain::AboutMe).
    about_me       TEXT NOT NULL DEFAULT '{}'
);

CREATE INDEX people_by_service ON people (service_id);
