-- The audit log's monthly partitions, kept by one call on every server (AuditPartitions):
--   1. rows in the default partition move into a partition of their own month, or, for a month
--      older than the retention, are deleted;
--   2. the current month and p_ahead months after it get their partitions before they begin;
--   3. months older than the retention are dropped whole.
-- Before rows leave for good, their successors in the chain are recorded in audit_chain_gap.
-- Returns one line per thing done, for the log.

-- Records the chain places whose predecessor is among the rows of [p_from, p_to): for each
-- company, every sealed row there whose successor in the chain is not there too. One sort of the
-- rows that leave, however many there are.
CREATE OR REPLACE FUNCTION tollgate_audit_gaps(p_from TIMESTAMPTZ, p_to TIMESTAMPTZ)
    RETURNS VOID
    LANGUAGE sql AS $$
    INSERT INTO audit_chain_gap (chain_key, chain_seq)
    SELECT chain_key, chain_seq + 1
    FROM (SELECT coalesce(company_id, '') AS chain_key, chain_seq,
                 lead(chain_seq) OVER (PARTITION BY coalesce(company_id, '') ORDER BY chain_seq) AS next_seq
          FROM audit_event
          WHERE occurred_at >= p_from AND occurred_at < p_to AND chain_seq IS NOT NULL) leaving
    WHERE next_seq IS DISTINCT FROM chain_seq + 1
    ON CONFLICT DO NOTHING;
$$;

CREATE OR REPLACE FUNCTION tollgate_audit_upkeep(p_now TIMESTAMPTZ, p_ahead INTEGER, p_retention_months INTEGER)
    RETURNS SETOF TEXT
    LANGUAGE plpgsql AS $$
DECLARE
    this_month  TIMESTAMPTZ := date_trunc('month', p_now, 'UTC');
    oldest_kept TIMESTAMPTZ := date_trunc('month', p_now, 'UTC') - make_interval(months => p_retention_months - 1);
    month_start TIMESTAMPTZ;
    month_end   TIMESTAMPTZ;
    name        TEXT;
    moved       BIGINT;
BEGIN
    -- One server at a time; the others wait and then find nothing left to do.
    PERFORM pg_advisory_xact_lock(7419385533);
    FOR month_start IN
        SELECT DISTINCT date_trunc('month', occurred_at, 'UTC') FROM audit_event_default
        WHERE isfinite(occurred_at) ORDER BY 1
    LOOP
        month_end := month_start + interval '1 month';
        IF month_start < oldest_kept THEN
            PERFORM tollgate_audit_gaps(month_start, month_end);
            DELETE FROM audit_event_default WHERE occurred_at >= month_start AND occurred_at < month_end;
            GET DIAGNOSTICS moved = ROW_COUNT;
            RETURN NEXT format('deleted %s rows of %s from the default partition (older than the retention)',
                               moved, to_char(month_start AT TIME ZONE 'UTC', 'YYYY-MM'));
            CONTINUE;
        END IF;
        name := 'audit_event_' || to_char(month_start AT TIME ZONE 'UTC', 'YYYYMM');
        -- The parent first, as every insert takes it: no writer can hold the default partition
        -- while waiting for the parent. Only while rows move, which is rare.
        LOCK TABLE audit_event IN ACCESS EXCLUSIVE MODE;
        CREATE TEMP TABLE audit_event_moving ON COMMIT DROP AS
            SELECT * FROM audit_event_default WHERE occurred_at >= month_start AND occurred_at < month_end;
        DELETE FROM audit_event_default WHERE occurred_at >= month_start AND occurred_at < month_end;
        EXECUTE format('CREATE TABLE %I PARTITION OF audit_event FOR VALUES FROM (%L) TO (%L)',
                       name, month_start, month_end);
        INSERT INTO audit_event SELECT * FROM audit_event_moving;
        GET DIAGNOSTICS moved = ROW_COUNT;
        DROP TABLE audit_event_moving;
        RETURN NEXT format('moved %s rows from the default partition into %s', moved, name);
    END LOOP;

    FOR ahead IN 0..p_ahead LOOP
        month_start := this_month + make_interval(months => ahead);
        name := 'audit_event_' || to_char(month_start AT TIME ZONE 'UTC', 'YYYYMM');
        IF to_regclass(name) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF audit_event FOR VALUES FROM (%L) TO (%L)',
                           name, month_start, month_start + interval '1 month');
            RETURN NEXT 'created ' || name;
        END IF;
    END LOOP;

    FOR name IN
        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = 'audit_event' AND c.relname ~ '^audit_event_[0-9]{6}$' ORDER BY 1
    LOOP
        month_start := to_timestamp(substr(name, 13), 'YYYYMM')::timestamp AT TIME ZONE 'UTC';
        IF month_start < oldest_kept THEN
            PERFORM tollgate_audit_gaps(month_start, month_start + interval '1 month');
            EXECUTE format('DROP TABLE %I', name);
            RETURN NEXT format('dropped %s (older than %s months)', name, p_retention_months);
        END IF;
    END LOOP;
END;
$$;
