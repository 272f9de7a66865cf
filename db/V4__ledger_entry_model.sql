-- The model a hold was priced for, so an abandoned hold can be settled at the right price.
ALTER TABLE ledger_entry ADD COLUMN model VARCHAR(100);
CREATE INDEX ledger_entry_open_holds_idx ON ledger_entry (created_at) WHERE kind = 'RESERVE';
