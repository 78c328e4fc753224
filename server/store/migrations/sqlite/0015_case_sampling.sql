-- Case sampling (`domain::governance::sampling`): one draw per service and quarter, kept with
-- its seed (16 hexadecimal digits) and the list it was drawn from (person ids in order,
-- separated by spaces), so the draw can be checked; never replaced.
CREATE TABLE case_draws (
    service_id    TEXT NOT NULL,
    quarter       TEXT NOT NULL,
    seed          TEXT NOT NULL,
    candidates    TEXT NOT NULL,
    drawn         TEXT NOT NULL,
    drawn_by      TEXT NOT NULL,
    drawn_by_name TEXT NOT NULL,
    drawn_ms      BIGINT NOT NULL,
    PRIMARY KEY (service_id, quarter)
);

-- What the nominated individual found in a case drawn, and the follow-up actions (one a
-- line); replaced when recorded again.
CREATE TABLE case_findings (
    service_id       TEXT NOT NULL,
    quarter          TEXT NOT NULL,
    person_id        TEXT NOT NULL,
    findings         TEXT NOT NULL,
    actions          TEXT NOT NULL,
    recorded_by      TEXT NOT NULL,
    recorded_by_name TEXT NOT NULL,
    recorded_ms      BIGINT NOT NULL,
    PRIMARY KEY (service_id, quarter, person_id)
);
