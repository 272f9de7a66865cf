-- An audit row of any time has a place to go: a row whose month has no partition (a backdated
-- webhook or reconciliation, a server clock off at a month's end, a restored database) lands in
-- the default partition instead of failing the money transaction it belongs to. The partition
-- upkeep (tollgate_audit_upkeep) moves such rows into a month of their own.
CREATE TABLE audit_event_default PARTITION OF audit_event DEFAULT;

-- Places in a company's chain whose predecessor retention dropped: a row written out of time
-- order (backdated) can sit in the middle of the chain, so dropping its month leaves a gap that
-- is not a deleted row. The verifier accepts a missing predecessor only here.
CREATE TABLE audit_chain_gap (
    chain_key VARCHAR(255) NOT NULL,
    chain_seq BIGINT       NOT NULL,
    PRIMARY KEY (chain_key, chain_seq)
);
