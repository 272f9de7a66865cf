-- Settling a hold in one statement: the hold's row locked, its entries booked, its state and its
-- audit row written, and the rest given back to the company's pool, whose row comes last because
-- every hold and settlement of the company updates it.

-- The hold's part, without the pool: what it captured (its earlier capture if it was settled
-- before; 0 if there is none), what goes back to the pool, and whose pool that is. p_actual NULL
-- gives the whole hold back; otherwise at most the hold is captured. Safe to repeat, and safe when
-- two servers settle the same hold together: its row lock orders them, and a settled hold stays
-- as it is.
CREATE OR REPLACE FUNCTION tollgate_settle_hold(p_turn UUID, p_status VARCHAR, p_actual BIGINT, p_now TIMESTAMPTZ,
                                                OUT captured_credits BIGINT, OUT returned_credits BIGINT,
                                                OUT company VARCHAR)
    LANGUAGE plpgsql AS $$
DECLARE
    hold credit_reservation;
BEGIN
    captured_credits := 0;
    returned_credits := 0;
    SELECT * INTO hold FROM credit_reservation WHERE turn_id = p_turn FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    company := hold.company_id;
    IF hold.status <> 'OPEN' THEN
        captured_credits := hold.captured;
        RETURN;
    END IF;

    captured_credits := CASE WHEN p_actual IS NULL THEN 0 ELSE least(greatest(p_actual, 0), hold.amount) END;
    returned_credits := hold.amount - captured_credits;
    INSERT INTO ledger_entry (amount, company_id, created_at, idempotency_key, kind, model, request_id, session_id, user_id)
    VALUES (hold.amount, hold.company_id, p_now, 'release:' || p_turn, 'RELEASE', hold.model, hold.request_id,
            hold.session_id, hold.user_id);
    IF p_actual IS NOT NULL THEN
        INSERT INTO ledger_entry (amount, company_id, created_at, idempotency_key, kind, model, request_id, session_id, user_id)
        VALUES (-captured_credits, hold.company_id, p_now, 'capture:' || p_turn, 'CAPTURE', hold.model, hold.request_id,
                hold.session_id, hold.user_id);
    END IF;
    UPDATE credit_reservation SET status = p_status, captured = captured_credits, settled_at = p_now
    WHERE turn_id = p_turn;
    -- Every settlement is audited with its entries: the row exists exactly when they do.
    INSERT INTO audit_event (occurred_at, company_id, user_id, action, request_id, session_id, model, credits, outcome)
    VALUES (p_now, hold.company_id, hold.user_id, 'reservation.' || lower(p_status), hold.request_id, hold.session_id,
            hold.model, captured_credits, 'ok');
END;
$$;

-- Gives a settled hold's rest back to the company's pool, last, and answers the balance after.
-- With nothing to give back the row is read, not locked: every answer of the company updates it.
CREATE OR REPLACE FUNCTION tollgate_give_back(p_company VARCHAR, p_credits BIGINT, p_now TIMESTAMPTZ)
    RETURNS BIGINT
    LANGUAGE plpgsql AS $$
DECLARE
    remaining BIGINT;
BEGIN
    IF p_credits <> 0 THEN
        UPDATE credit_account SET balance = balance + p_credits, updated_at = p_now
        WHERE company_id = p_company
        RETURNING balance INTO remaining;
    ELSE
        SELECT balance INTO remaining FROM credit_account WHERE company_id = p_company;
    END IF;
    RETURN coalesce(remaining, 0);
END;
$$;

-- A hold settled (CAPTURED, RELEASED or EXPIRED), its rest given back: CreditLedger's capture,
-- release and expiry. Returns the credits captured for it.
CREATE OR REPLACE FUNCTION tollgate_settle(p_turn UUID, p_status VARCHAR, p_actual BIGINT, p_now TIMESTAMPTZ)
    RETURNS BIGINT
    LANGUAGE plpgsql AS $$
DECLARE
    settled RECORD;
BEGIN
    SELECT * INTO settled FROM tollgate_settle_hold(p_turn, p_status, p_actual, p_now);
    IF settled.returned_credits <> 0 THEN
        PERFORM tollgate_give_back(settled.company, settled.returned_credits, p_now);
    END IF;
    RETURN settled.captured_credits;
END;
$$;

-- A chat turn's end (TurnRecords): its hold captured at p_actual (or released when p_actual is
-- NULL: no token came), its stream slot freed, its session's mirror counted (for an answer) and
-- its audit row written (p_audit is the row as AuditRows maps it; its credits become what was
-- captured). The pool's row comes last: all the company's answers update it. Returns the credits
-- captured and the company's balance after.
CREATE OR REPLACE FUNCTION tollgate_end_turn(p_turn UUID, p_company VARCHAR, p_session UUID, p_actual BIGINT,
                                             p_now TIMESTAMPTZ, p_audit JSONB,
                                             OUT captured_credits BIGINT, OUT new_balance BIGINT)
    LANGUAGE plpgsql AS $$
DECLARE
    settled RECORD;
BEGIN
    SELECT * INTO settled
    FROM tollgate_settle_hold(p_turn, CASE WHEN p_actual IS NULL THEN 'RELEASED' ELSE 'CAPTURED' END, p_actual, p_now);
    captured_credits := settled.captured_credits;

    DELETE FROM stream_slot WHERE turn_id = p_turn;
    IF p_actual IS NOT NULL THEN
        -- the user's question and the answer
        UPDATE chat_session SET message_count = message_count + 2, credits_used = credits_used + captured_credits,
                                last_activity_at = p_now
        WHERE id = p_session;
    END IF;
    PERFORM tollgate_insert_audit(jsonb_build_array(CASE WHEN p_actual IS NULL THEN p_audit
                                                         ELSE p_audit || jsonb_build_object('credits', captured_credits) END));

    new_balance := tollgate_give_back(p_company, settled.returned_credits, p_now);
END;
$$;

-- One part of a batch's hold captured (an item's actual cost, at most what is left of the hold),
-- booked as the part released and captured, once per p_part: a repeated part books nothing.
-- The pool is untouched: the hold already took these credits from it. Returns what was captured.
CREATE OR REPLACE FUNCTION tollgate_capture_part(p_hold UUID, p_part VARCHAR, p_request VARCHAR, p_credits BIGINT,
                                                 p_now TIMESTAMPTZ)
    RETURNS BIGINT
    LANGUAGE plpgsql AS $$
DECLARE
    hold credit_reservation;
    part BIGINT;
BEGIN
    SELECT * INTO hold FROM credit_reservation WHERE turn_id = p_hold FOR UPDATE;
    IF NOT FOUND OR hold.status <> 'OPEN' THEN
        RETURN 0;
    END IF;
    part := least(greatest(p_credits, 0), hold.amount - hold.captured);
    INSERT INTO ledger_entry (amount, company_id, created_at, idempotency_key, kind, model, request_id, user_id)
    VALUES (part, hold.company_id, p_now, 'release:' || p_hold || ':' || p_part, 'RELEASE', hold.model, p_request,
            hold.user_id)
    ON CONFLICT (idempotency_key) DO NOTHING;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;
    INSERT INTO ledger_entry (amount, company_id, created_at, idempotency_key, kind, model, request_id, user_id)
    VALUES (-part, hold.company_id, p_now, 'capture:' || p_hold || ':' || p_part, 'CAPTURE', hold.model, p_request,
            hold.user_id);
    UPDATE credit_reservation SET captured = captured + part WHERE turn_id = p_hold;
    RETURN part;
END;
$$;

-- A batch's hold closed: what its parts did not capture goes back to the pool, last. CAPTURED
-- when any part was, RELEASED otherwise; audited as any settlement. Safe to repeat (a closed
-- hold stays closed). Returns the credits given back.
CREATE OR REPLACE FUNCTION tollgate_close_hold(p_hold UUID, p_now TIMESTAMPTZ)
    RETURNS BIGINT
    LANGUAGE plpgsql AS $$
DECLARE
    hold credit_reservation;
    rest BIGINT;
    closed VARCHAR;
BEGIN
    SELECT * INTO hold FROM credit_reservation WHERE turn_id = p_hold FOR UPDATE;
    IF NOT FOUND OR hold.status <> 'OPEN' THEN
        RETURN 0;
    END IF;
    rest := hold.amount - hold.captured;
    closed := CASE WHEN hold.captured > 0 THEN 'CAPTURED' ELSE 'RELEASED' END;
    IF rest > 0 THEN
        INSERT INTO ledger_entry (amount, company_id, created_at, idempotency_key, kind, model, request_id, user_id)
        VALUES (rest, hold.company_id, p_now, 'release:' || p_hold, 'RELEASE', hold.model, hold.request_id, hold.user_id);
    END IF;
    UPDATE credit_reservation SET status = closed, settled_at = p_now WHERE turn_id = p_hold;
    INSERT INTO audit_event (occurred_at, company_id, user_id, action, request_id, model, credits, outcome)
    VALUES (p_now, hold.company_id, hold.user_id, 'reservation.' || lower(closed), hold.request_id, hold.model,
            hold.captured, 'ok');
    PERFORM tollgate_give_back(hold.company_id, rest, p_now);
    RETURN rest;
END;
$$;
