-- The audit log, rebuilt: every action with who, from where and what it cost, partitioned by
-- month so retention drops whole partitions, and sealed into one hash chain per company.
ALTER TABLE audit_event RENAME TO audit_event_unsealed_v1;
ALTER TABLE audit_event_unsealed_v1 RENAME CONSTRAINT audit_event_pkey TO audit_event_unsealed_v1_pkey;
ALTER INDEX audit_event_company_idx RENAME TO audit_event_unsealed_v1_company_idx;
-- The ids go on from where the old table's left off.
ALTER SEQUENCE audit_event_id_seq OWNED BY NONE;
CREATE TABLE audit_event (
    id                BIGINT       NOT NULL DEFAULT nextval('audit_event_id_seq'),
    occurred_at       TIMESTAMPTZ  NOT NULL,
    company_id        VARCHAR(255),
    user_id           VARCHAR(255),
    roles             VARCHAR(255),
    action            VARCHAR(64)  NOT NULL,
    target            VARCHAR(300),
    request_id        VARCHAR(64),
    session_id        UUID,
    model             VARCHAR(100),
    prompt_tokens     INTEGER,
    completion_tokens INTEGER,
    credits           BIGINT,
    outcome           VARCHAR(64)  NOT NULL,
    latency_ms        BIGINT,
    ttft_ms           BIGINT,
    client_address    VARCHAR(64),
    user_agent        VARCHAR(300),
    -- Set when the sealer chains the row: its place in the company's chain, the previous row's
    -- hash, and the SHA-256 of its own canonical content with that previous hash.
    chain_seq         BIGINT,
    prev_hash         CHAR(64),
    hash              CHAR(64),
    PRIMARY KEY (id, occurred_at)
) PARTITION BY RANGE (occurred_at);
CREATE INDEX audit_event_company_time_idx ON audit_event (company_id, occurred_at, id);
CREATE INDEX audit_event_chain_idx ON audit_event (company_id, chain_seq);
CREATE INDEX audit_event_unsealed_idx ON audit_event (id) WHERE hash IS NULL;
CREATE INDEX audit_event_request_idx ON audit_event (request_id);

-- The end of each company's chain ('' for events of no company, e.g. a token nobody could read).
CREATE TABLE audit_chain_head (
    chain_key  VARCHAR(255) PRIMARY KEY,
    last_seq   BIGINT       NOT NULL,
    last_hash  CHAR(64)     NOT NULL
);

-- Months already holding rows, and the next ones; AuditPartitions keeps creating months ahead.
DO $$
DECLARE
    first_month DATE := date_trunc('month', coalesce((SELECT min(occurred_at) FROM audit_event_unsealed_v1), now()))::date;
    last_month  DATE := (date_trunc('month', now()) + interval '2 months')::date;
    m DATE := first_month;
BEGIN
    WHILE m <= last_month LOOP
        EXECUTE format('CREATE TABLE IF NOT EXISTS audit_event_%s PARTITION OF audit_event FOR VALUES FROM (%L) TO (%L)',
                       to_char(m, 'YYYYMM'), m, (m + interval '1 month')::date);
        m := (m + interval '1 month')::date;
    END LOOP;
END $$;

-- Earlier rows move over unsealed; the sealer chains them like any new row.
INSERT INTO audit_event (occurred_at, company_id, user_id, action, request_id, session_id, prompt_tokens,
                         completion_tokens, credits, outcome, latency_ms)
SELECT occurred_at, company_id, user_id, action, request_id, session_id, prompt_tokens, completion_tokens,
       credits, outcome, latency_ms
FROM audit_event_unsealed_v1 ORDER BY id;
DROP TABLE audit_event_unsealed_v1;
ALTER SEQUENCE audit_event_id_seq OWNED BY audit_event.id;
