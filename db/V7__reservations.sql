-- A hold's life as a row of its own: OPEN until it is CAPTURED (its cost booked, possibly 0) or
-- RELEASED (the answer never came), or EXPIRED when its server died and the sweeper settled it after expires_at.
-- The ledger entries stay the money; this table is their state, kept in the same transaction.
CREATE TABLE credit_reservation (
    turn_id     UUID PRIMARY KEY,
    purpose     VARCHAR(16)  NOT NULL CHECK (purpose IN ('TURN', 'BATCH')),
    company_id  VARCHAR(255) NOT NULL REFERENCES credit_account (company_id),
    user_id     VARCHAR(255),
    request_id  VARCHAR(64),
    session_id  UUID,
    model       VARCHAR(100),
    amount      BIGINT       NOT NULL CHECK (amount >= 0),
    captured    BIGINT       NOT NULL DEFAULT 0,
    status      VARCHAR(16)  NOT NULL CHECK (status IN ('OPEN', 'CAPTURED', 'RELEASED', 'EXPIRED')),
    created_at  TIMESTAMPTZ  NOT NULL,
    expires_at  TIMESTAMPTZ  NOT NULL,
    settled_at  TIMESTAMPTZ
);
CREATE INDEX credit_reservation_open_idx ON credit_reservation (expires_at) WHERE status = 'OPEN';
CREATE INDEX credit_reservation_company_idx ON credit_reservation (company_id, created_at DESC);

-- Holds booked before this table existed, with the state their entries show.
INSERT INTO credit_reservation (turn_id, purpose, company_id, user_id, request_id, session_id, model, amount,
                                captured, status, created_at, expires_at, settled_at)
SELECT substring(r.idempotency_key from 9)::uuid,
       CASE WHEN r.request_id LIKE 'batch:%' THEN 'BATCH' ELSE 'TURN' END,
       r.company_id, r.user_id, r.request_id, r.session_id, r.model, -r.amount,
       coalesce(-c.amount, 0),
       CASE WHEN rel.id IS NULL THEN 'OPEN' WHEN c.id IS NOT NULL THEN 'CAPTURED' ELSE 'RELEASED' END,
       r.created_at, r.created_at + interval '30 minutes', rel.created_at
FROM ledger_entry r
LEFT JOIN ledger_entry rel ON rel.idempotency_key = 'release:' || substring(r.idempotency_key from 9)
LEFT JOIN ledger_entry c ON c.idempotency_key = 'capture:' || substring(r.idempotency_key from 9)
WHERE r.kind = 'RESERVE' AND r.idempotency_key LIKE 'reserve:%';
