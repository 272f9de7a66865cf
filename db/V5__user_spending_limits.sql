-- Optional per-user spending limits, per day and per month (UTC), set by company admins.
-- The row is also the lock that serialises one user's holds, so parallel requests cannot
-- slip past a limit together.
CREATE TABLE user_limit (
    company_id    VARCHAR(255) NOT NULL,
    user_id       VARCHAR(255) NOT NULL,
    daily_credits   BIGINT CHECK (daily_credits >= 0),
    monthly_credits BIGINT CHECK (monthly_credits >= 0),
    updated_at    TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (company_id, user_id)
);
CREATE INDEX ledger_entry_user_idx ON ledger_entry (company_id, user_id, created_at);
