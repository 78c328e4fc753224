-- The calendar the governance figures count with (`domain::governance::CalendarDay`), one row
-- a day of the years Circle knows the bank holidays of, filled when the server starts: the
-- day, its number since 1970, and its place among working days, so that "within 5 working
-- days" is the same SQL on every database.
CREATE TABLE calendar_days (
    day          TEXT PRIMARY KEY,
    epoch_day    BIGINT NOT NULL,
    working_upto BIGINT NOT NULL,
    working_from BIGINT NOT NULL
);
