-- The calendar kept in order of its key alone (WITHOUT ROWID): a governance pass looks up two
-- or three days of each record it counts, and each look-up is then one search of one tree
-- instead of the key's index and then the table. The rows stay as they were; PostgreSQL's
-- calendar needs no such change (its joins on it are hash joins).
CREATE TABLE calendar_days_by_day (
    day          TEXT PRIMARY KEY,
    epoch_day    BIGINT NOT NULL,
    working_upto BIGINT NOT NULL,
    working_from BIGINT NOT NULL
) WITHOUT ROWID;
INSERT INTO calendar_days_by_day (day, epoch_day, working_upto, working_from)
    SELECT day, epoch_day, working_upto, working_from FROM calendar_days;
DROP TABLE calendar_days;
ALTER TABLE calendar_days_by_day RENAME TO calendar_days;
