-- Batch jobs (the seed's Option D): a batch holds its worst case in one credit hold; its items
-- are the queue, claimed with FOR UPDATE SKIP LOCKED under a lease, so any server works on any
-- batch and a dead server's items are taken over once its lease has run out. Prompt and answer
-- text is only ciphertext (AES-256-GCM under TOLLGATE_HISTORY_KEYS, key named by key_id).

-- An uploaded file (OpenAI's /v1/files, purpose "batch"): its JSONL sealed whole. A batch's output
-- and error files are not stored: they are written from its items when read.
CREATE TABLE batch_file (
    id          VARCHAR(40)  PRIMARY KEY,
    company_id  VARCHAR(255) NOT NULL,
    user_id     VARCHAR(255) NOT NULL,
    purpose     VARCHAR(16)  NOT NULL CHECK (purpose = 'batch'),
    filename    VARCHAR(255) NOT NULL,
    bytes       BIGINT       NOT NULL,
    key_id      VARCHAR(32)  NOT NULL,
    content     BYTEA        NOT NULL,
    created_at  TIMESTAMPTZ  NOT NULL,
    purge_after TIMESTAMPTZ  NOT NULL
);
CREATE INDEX batch_file_purge_idx ON batch_file (purge_after);

CREATE TABLE batch (
    id                UUID         PRIMARY KEY,
    company_id        VARCHAR(255) NOT NULL,
    user_id           VARCHAR(255) NOT NULL,
    model             VARCHAR(100) NOT NULL,
    front             VARCHAR(8)   NOT NULL CHECK (front IN ('native', 'openai')),
    status            VARCHAR(16)  NOT NULL CHECK (status IN ('validating', 'in_progress', 'finalizing', 'completed',
                                                              'failed', 'expired', 'cancelling', 'cancelled')),
    request_id        VARCHAR(64),
    hold_id           UUID         NOT NULL REFERENCES credit_reservation (turn_id),
    held              BIGINT       NOT NULL,
    captured          BIGINT       NOT NULL DEFAULT 0,
    released          BIGINT       NOT NULL DEFAULT 0,
    total             INTEGER      NOT NULL,
    completed         INTEGER      NOT NULL DEFAULT 0,
    failed            INTEGER      NOT NULL DEFAULT 0,
    -- the last event's number: events are numbered per batch, in the order they happened
    event_seq         BIGINT       NOT NULL DEFAULT 0,
    metadata          JSONB,
    webhook_url       VARCHAR(2048),
    input_file_id     VARCHAR(40),
    completion_window VARCHAR(16)  NOT NULL,
    created_at        TIMESTAMPTZ  NOT NULL,
    expires_at        TIMESTAMPTZ  NOT NULL,
    ended_at          TIMESTAMPTZ,
    cancelled_at      TIMESTAMPTZ,
    -- inputs and outputs are deleted after this (the batch's row, its counts and credits stay)
    purge_after       TIMESTAMPTZ,
    purged_at         TIMESTAMPTZ
);
CREATE INDEX batch_owner_idx ON batch (company_id, user_id, created_at DESC);
CREATE INDEX batch_open_idx ON batch (expires_at) WHERE ended_at IS NULL;

-- One request of a batch. status: queued (waiting for not_before), running (claimed until
-- leased_until by leased_by, on its attempt-th try), done, failed, cancelled, expired.
CREATE TABLE batch_item (
    batch_id     UUID         NOT NULL REFERENCES batch (id) ON DELETE CASCADE,
    idx          INTEGER      NOT NULL,
    custom_id    VARCHAR(255) NOT NULL,
    status       VARCHAR(16)  NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled', 'expired')),
    max_credits  BIGINT       NOT NULL,
    attempts     INTEGER      NOT NULL DEFAULT 0,
    not_before   TIMESTAMPTZ  NOT NULL,
    leased_by    VARCHAR(64),
    leased_until TIMESTAMPTZ,
    key_id       VARCHAR(32),
    input        BYTEA,
    output       BYTEA,
    error_code   VARCHAR(64),
    error        VARCHAR(500),
    credits      BIGINT,
    prompt_tokens     INTEGER,
    completion_tokens INTEGER,
    request_id   VARCHAR(64),
    -- the worker whose try answered it (which server did the work)
    answered_by  VARCHAR(64),
    finished_at  TIMESTAMPTZ,
    PRIMARY KEY (batch_id, idx),
    UNIQUE (batch_id, custom_id)
);
CREATE INDEX batch_item_ready_idx ON batch_item (not_before) WHERE status = 'queued';
CREATE INDEX batch_item_leased_idx ON batch_item (leased_until) WHERE status = 'running';

-- What happened to a batch, in order: the SSE stream replays these from Last-Event-ID. No text.
CREATE TABLE batch_event (
    batch_id   UUID        NOT NULL REFERENCES batch (id) ON DELETE CASCADE,
    seq        BIGINT      NOT NULL,
    type       VARCHAR(32) NOT NULL,
    data       JSONB       NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (batch_id, seq)
);

-- The webhook outbox: one row per event to deliver, written with the event, sent at least once.
CREATE TABLE webhook_delivery (
    id           BIGSERIAL     PRIMARY KEY,
    batch_id     UUID          NOT NULL REFERENCES batch (id) ON DELETE CASCADE,
    event_id     VARCHAR(64)   NOT NULL UNIQUE,
    url          VARCHAR(2048) NOT NULL,
    body         JSONB         NOT NULL,
    status       VARCHAR(16)   NOT NULL CHECK (status IN ('pending', 'delivered', 'given_up')),
    attempts     INTEGER       NOT NULL DEFAULT 0,
    next_at      TIMESTAMPTZ   NOT NULL,
    leased_until TIMESTAMPTZ,
    last_status  INTEGER,
    last_error   VARCHAR(500),
    created_at   TIMESTAMPTZ   NOT NULL,
    delivered_at TIMESTAMPTZ
);
CREATE INDEX webhook_delivery_due_idx ON webhook_delivery (next_at) WHERE status = 'pending';

-- Each company's secret for signing its webhooks, sealed like the conversations.
CREATE TABLE webhook_secret (
    company_id VARCHAR(255) PRIMARY KEY,
    key_id     VARCHAR(32)  NOT NULL,
    secret     BYTEA        NOT NULL,
    created_at TIMESTAMPTZ  NOT NULL
);
