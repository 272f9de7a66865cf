-- One row per reconciliation of the ledger against the LLM service's usage report.
CREATE TABLE reconciliation_run (
    id           BIGSERIAL PRIMARY KEY,
    started_at   TIMESTAMPTZ NOT NULL,
    period_from  TIMESTAMPTZ NOT NULL,
    period_to    TIMESTAMPTZ NOT NULL,
    checked      INTEGER     NOT NULL,
    adjustments  INTEGER     NOT NULL,
    mismatches   INTEGER     NOT NULL,
    details      TEXT
);
