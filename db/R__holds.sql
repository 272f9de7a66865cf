-- Holds on a company's pool and the spending limits they are checked against.

-- A user's spending since p_since. Whole UTC days that are over are added up once, by
-- tollgate_roll_up_spend (SpendRollup on every server); spend_rollup.closed_before says how far
-- that has come. The rolled-up days serve only a p_since at the start of a UTC day (as the day
-- and month starts are); any other instant is summed from the ledger alone. STABLE: both reads
-- see one snapshot, so a rollup committing in between cannot count a day twice.
CREATE OR REPLACE FUNCTION tollgate_spent_since(p_company VARCHAR, p_user VARCHAR, p_since TIMESTAMPTZ,
                                                OUT spent BIGINT, OUT captured BIGINT)
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    closed TIMESTAMPTZ;
BEGIN
    SELECT closed_before INTO closed FROM spend_rollup;
    IF p_since <> date_trunc('day', p_since, 'UTC') THEN
        closed := '-infinity';
    END IF;
    SELECT coalesce(sum(d.spent), 0), coalesce(sum(d.captured), 0) INTO spent, captured
    FROM user_spend_day d
    WHERE d.company_id = p_company AND d.user_id = p_user
      AND d.day >= (p_since AT TIME ZONE 'UTC')::date AND d.day < (closed AT TIME ZONE 'UTC')::date;
    SELECT spent - coalesce(sum(e.amount), 0),
           captured - coalesce(sum(e.amount) FILTER (WHERE e.kind = 'CAPTURE'), 0)
    INTO spent, captured
    FROM ledger_entry e
    WHERE e.company_id = p_company AND e.user_id = p_user AND e.created_at >= greatest(p_since, closed)
      AND e.kind IN ('RESERVE', 'RELEASE', 'CAPTURE');
END;
$$;

-- Adds up the whole UTC days before p_before that are not yet added up; returns the number of
-- (company, user, day) rows written. Concurrent calls (one per server) wait for each other on
-- the spend_rollup row, and the later one finds nothing left to do. A day is rolled up only once
-- it has been over for a while (the job's grace): every writer dates an entry with its own clock
-- in a short statement, so no entry can still arrive for a day that long past.
CREATE OR REPLACE FUNCTION tollgate_roll_up_spend(p_before TIMESTAMPTZ)
    RETURNS INTEGER
    LANGUAGE plpgsql AS $$
DECLARE
    closed TIMESTAMPTZ;
    -- never past the database's own today: a server whose clock runs ahead must not close days
    -- that are still being written, which would hide their entries from every limit
    upto   TIMESTAMPTZ := date_trunc('day', least(p_before, now()), 'UTC');
    days   INTEGER;
BEGIN
    SELECT closed_before INTO closed FROM spend_rollup FOR UPDATE;
    IF upto <= closed THEN
        RETURN 0;
    END IF;
    INSERT INTO user_spend_day (company_id, user_id, day, spent, captured)
    SELECT e.company_id, e.user_id, (e.created_at AT TIME ZONE 'UTC')::date,
           -sum(e.amount), -coalesce(sum(e.amount) FILTER (WHERE e.kind = 'CAPTURE'), 0)
    FROM credit_account a
    JOIN LATERAL (SELECT * FROM ledger_entry l
                  WHERE l.company_id = a.company_id AND l.created_at >= closed AND l.created_at < upto) e ON TRUE
    WHERE e.user_id IS NOT NULL AND e.kind IN ('RESERVE', 'RELEASE', 'CAPTURE')
    GROUP BY 1, 2, 3;
    GET DIAGNOSTICS days = ROW_COUNT;
    UPDATE spend_rollup SET closed_before = upto;
    RETURN days;
END;
$$;

-- A hold in one statement (CreditLedger.reserve; the last step of tollgate_admit). Outside a
-- caller's transaction the company's account row, which every hold and capture of the company
-- updates, is locked only while the statement runs and commits.
--
-- Returns a Hold: HELD, SPENT (this turn's hold was given back before), INSUFFICIENT_CREDITS,
-- DAILY_LIMIT or MONTHLY_LIMIT. A refusal writes nothing. A company seen for the first time gets
-- its pool with the initial grant, booked as a GRANT entry.
CREATE OR REPLACE FUNCTION tollgate_reserve(p_turn UUID, p_company VARCHAR, p_user VARCHAR, p_request VARCHAR,
                                                       p_session UUID, p_model VARCHAR, p_credits BIGINT, p_purpose VARCHAR,
                                                       p_now TIMESTAMPTZ, p_expires TIMESTAMPTZ, p_day_start TIMESTAMPTZ,
                                                       p_month_start TIMESTAMPTZ, p_initial_grant BIGINT)
    RETURNS VARCHAR
    LANGUAGE plpgsql AS $$
DECLARE
    earlier VARCHAR;
    daily   BIGINT;
    monthly BIGINT;
BEGIN
    -- The same turn asked again (an Idempotency-Key): held once, and never again once given back.
    SELECT status INTO earlier FROM credit_reservation WHERE turn_id = p_turn;
    IF FOUND THEN
        RETURN CASE WHEN earlier = 'RELEASED' THEN 'SPENT' ELSE 'HELD' END;
    END IF;

    -- The user's limits: their row stays locked, so one user's parallel holds are decided in turn.
    -- Spent: captures plus holds still open (they may all be spent).
    IF p_user IS NOT NULL THEN
        SELECT daily_credits, monthly_credits INTO daily, monthly
        FROM user_limit WHERE company_id = p_company AND user_id = p_user FOR NO KEY UPDATE;
        IF FOUND THEN
            IF daily IS NOT NULL
                    AND p_credits + (tollgate_spent_since(p_company, p_user, p_day_start)).spent > daily THEN
                RETURN 'DAILY_LIMIT';
            END IF;
            IF monthly IS NOT NULL
                    AND p_credits + (tollgate_spent_since(p_company, p_user, p_month_start)).spent > monthly THEN
                RETURN 'MONTHLY_LIMIT';
            END IF;
        END IF;
    END IF;

    -- The conditional update that makes overspending impossible.
    UPDATE credit_account SET balance = balance - p_credits, updated_at = p_now
    WHERE company_id = p_company AND balance >= p_credits;
    IF NOT FOUND THEN
        -- No pool, or one that cannot pay. Open it with its grant if it is missing; if another
        -- hold opened it a moment ago, this waits for that commit and the update below sees it.
        INSERT INTO credit_account (company_id, balance, updated_at) VALUES (p_company, p_initial_grant, p_now)
        ON CONFLICT (company_id) DO NOTHING;
        IF FOUND THEN
            INSERT INTO ledger_entry (amount, company_id, created_at, idempotency_key, kind)
            VALUES (p_initial_grant, p_company, p_now, 'initial-grant:' || p_company, 'GRANT');
        END IF;
        UPDATE credit_account SET balance = balance - p_credits, updated_at = p_now
        WHERE company_id = p_company AND balance >= p_credits;
        IF NOT FOUND THEN
            RETURN 'INSUFFICIENT_CREDITS';
        END IF;
    END IF;

    INSERT INTO ledger_entry (amount, company_id, created_at, idempotency_key, kind, model, request_id, session_id, user_id)
    VALUES (-p_credits, p_company, p_now, 'reserve:' || p_turn, 'RESERVE', p_model, p_request, p_session, p_user);
    INSERT INTO credit_reservation (turn_id, amount, captured, company_id, created_at, expires_at, model, purpose,
                                    request_id, session_id, status, user_id)
    VALUES (p_turn, p_credits, 0, p_company, p_now, p_expires, p_model, p_purpose, p_request, p_session, 'OPEN', p_user);
    RETURN 'HELD';
END;
$$;
