-- The self-score grid's scores given by managers (`domain::governance::grid`): one per service,
-- quarter ("2026-Q4") and dimension, replaced when scored again, with the evidence in the
-- manager's words and who scored it when. Dimensions the records score are worked out, not
-- kept here.
CREATE TABLE grid_scores (
    service_id     TEXT NOT NULL,
    quarter        TEXT NOT NULL,
    dimension      TEXT NOT NULL,
    score          BIGINT NOT NULL,
    evidence       TEXT NOT NULL,
    scored_by      TEXT NOT NULL,
    scored_by_name TEXT NOT NULL,
    scored_ms      BIGINT NOT NULL,
    PRIMARY KEY (service_id, quarter, dimension)
);
