-- Rate limits shared by every server: counters per fixed minute, and the streams open now.
CREATE TABLE rate_window (
    subject      VARCHAR(520) NOT NULL,  -- 'company:<id>' or 'user:<company>/<user>'
    window_start TIMESTAMPTZ  NOT NULL,
    requests     INTEGER      NOT NULL,
    PRIMARY KEY (subject, window_start)
);

-- One row per answer streaming somewhere; a server that dies leaves rows that expire.
CREATE TABLE stream_slot (
    turn_id    UUID PRIMARY KEY,
    company_id VARCHAR(255) NOT NULL,
    user_id    VARCHAR(255) NOT NULL,
    started_at TIMESTAMPTZ  NOT NULL,
    expires_at TIMESTAMPTZ  NOT NULL
);
CREATE INDEX stream_slot_company_idx ON stream_slot (company_id, user_id);

-- A company's own limits where they differ from the configured defaults (NULL: the default).
CREATE TABLE rate_limit (
    company_id               VARCHAR(255) PRIMARY KEY,
    company_requests_per_min INTEGER CHECK (company_requests_per_min >= 0),
    company_max_streams      INTEGER CHECK (company_max_streams >= 0),
    user_requests_per_min    INTEGER CHECK (user_requests_per_min >= 0),
    user_max_streams         INTEGER CHECK (user_max_streams >= 0),
    updated_at               TIMESTAMPTZ NOT NULL
);
