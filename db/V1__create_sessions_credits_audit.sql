-- Session mirror: metadata only. Conversation history is owned by the LLM service.
CREATE TABLE chat_session (
    id               UUID PRIMARY KEY,
    user_id          VARCHAR(255) NOT NULL,
    company_id       VARCHAR(255) NOT NULL,
    created_at       TIMESTAMPTZ  NOT NULL,
    last_activity_at TIMESTAMPTZ  NOT NULL,
    message_count    INTEGER      NOT NULL DEFAULT 0,
    credits_used     BIGINT       NOT NULL DEFAULT 0
);
CREATE INDEX chat_session_owner_idx ON chat_session (user_id, created_at DESC);

-- One credit pool per company. Balances are integer credit units, never floating point.
CREATE TABLE credit_account (
    company_id VARCHAR(255) PRIMARY KEY,
    balance    BIGINT       NOT NULL CHECK (balance >= 0),
    updated_at TIMESTAMPTZ  NOT NULL
);

-- Append-only: a balance is always the sum of its account's entries.
CREATE TABLE ledger_entry (
    id              BIGSERIAL PRIMARY KEY,
    company_id      VARCHAR(255) NOT NULL REFERENCES credit_account (company_id),
    kind            VARCHAR(32)  NOT NULL,
    amount          BIGINT       NOT NULL,
    request_id      VARCHAR(64),
    session_id      UUID,
    user_id         VARCHAR(255),
    idempotency_key VARCHAR(255) NOT NULL UNIQUE,
    created_at      TIMESTAMPTZ  NOT NULL
);
CREATE INDEX ledger_entry_company_idx ON ledger_entry (company_id, created_at);

-- Usage, never prompt or completion text.
CREATE TABLE audit_event (
    id                BIGSERIAL PRIMARY KEY,
    occurred_at       TIMESTAMPTZ  NOT NULL,
    company_id        VARCHAR(255),
    user_id           VARCHAR(255),
    action            VARCHAR(64)  NOT NULL,
    request_id        VARCHAR(64),
    session_id        UUID,
    prompt_tokens     INTEGER,
    completion_tokens INTEGER,
    credits           BIGINT,
    outcome           VARCHAR(64)  NOT NULL,
    latency_ms        BIGINT
);
CREATE INDEX audit_event_company_idx ON audit_event (company_id, occurred_at);
