-- Option A credits: a hold (RESERVE) before the call, then CAPTURE of the actual cost and
-- RELEASE of the hold, or RELEASE alone when nothing was produced. Earlier kinds stay valid
-- for entries already booked.
ALTER TABLE ledger_entry ADD CONSTRAINT ledger_entry_kind_check
    CHECK (kind IN ('GRANT', 'DEBIT', 'REFUND', 'RESERVE', 'CAPTURE', 'RELEASE', 'ADJUSTMENT'));
CREATE INDEX ledger_entry_request_idx ON ledger_entry (request_id);
