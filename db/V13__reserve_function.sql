-- A hold in one statement (CreditLedger.reserve): what Java did in five statements and a commit.
-- Outside a caller's transaction the company's account row, which every hold and capture of the
-- company updates, is then locked only while the statement runs and commits, never while a
-- server thread waits for a core to send the next statement (docs/performance.md, session 4).
--
-- Returns a Hold: HELD, SPENT (this turn's hold was given back before), INSUFFICIENT_CREDITS,
-- DAILY_LIMIT or MONTHLY_LIMIT. A refusal writes nothing. A company seen for the first time gets
-- its pool with the initial grant, booked as a GRANT entry.
CREATE FUNCTION tollgate_reserve(p_turn UUID, p_company VARCHAR, p_user VARCHAR, p_request VARCHAR,
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
            IF daily IS NOT NULL AND p_credits - (SELECT coalesce(sum(amount), 0) FROM ledger_entry
                    WHERE company_id = p_company AND user_id = p_user AND created_at >= p_day_start
                      AND kind IN ('RESERVE', 'RELEASE', 'CAPTURE')) > daily THEN
                RETURN 'DAILY_LIMIT';
            END IF;
            IF monthly IS NOT NULL AND p_credits - (SELECT coalesce(sum(amount), 0) FROM ledger_entry
                    WHERE company_id = p_company AND user_id = p_user AND created_at >= p_month_start
                      AND kind IN ('RESERVE', 'RELEASE', 'CAPTURE')) > monthly THEN
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
