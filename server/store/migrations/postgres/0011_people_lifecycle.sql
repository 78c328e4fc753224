-- A person's date of birth (ISO "yyyy-mm-dd", when known) and when their support ended
-- (milliseconds since 1970-01-01 UTC; NULL while it goes on). A person whose support ended
-- keeps their record, to read, and leaves the lists; nothing more is written to it.
ALTER TABLE people ADD COLUMN date_of_birth TEXT;
ALTER TABLE people ADD COLUMN ended_ms BIGINT;
