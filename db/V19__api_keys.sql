-- API keys for services. The secret itself is never kept: only its HMAC under a server-side
-- pepper, and a short random public prefix that finds the row and names the key in lists.
-- A key acts as the service user of one company (user id 'service:' || service_user), with
-- at most its creator's roles and, optionally, only some models.
CREATE TABLE api_key (
    id            UUID         PRIMARY KEY,
    prefix        VARCHAR(32)  NOT NULL UNIQUE,
    secret_hash   BYTEA        NOT NULL,
    company_id    VARCHAR(255) NOT NULL,
    service_user  VARCHAR(100) NOT NULL,
    roles         TEXT[]       NOT NULL,
    models        TEXT[],
    created_by    VARCHAR(255) NOT NULL,
    created_at    TIMESTAMPTZ  NOT NULL,
    expires_at    TIMESTAMPTZ,
    revoked_at    TIMESTAMPTZ,
    last_used_at  TIMESTAMPTZ
);
CREATE INDEX api_key_company_idx ON api_key (company_id, created_at);
