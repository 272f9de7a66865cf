-- A turn admitted in one statement (Admissions): its request counted and a stream slot taken
-- (tollgate_open_stream), its session checked to be the caller's or, for a turn that opens one,
-- created, and the most the answer may cost held (tollgate_reserve): one round trip on the path
-- to the first token, for a new session as for one that exists. The LLM service hears of a new
-- session after this, from the turn: a refused turn leaves nothing there.
--
-- The commit does not wait for the WAL flush: tollgate_open_stream asks that of the whole
-- transaction, and here the hold is part of it. A database crash can therefore lose the holds
-- committed in its last moments, never a capture: a capture's commit waits for the flush, and
-- the WAL is written in order, so every record before it is flushed with it. A turn whose hold was
-- lost captures nothing when it ends, and reconciliation books its reported usage as an
-- adjustment, as for any request the ledger has no entry for.
--
-- a_opening is the audit row (as AuditRows writes it) of the session this turn opens, p_session;
-- NULL when p_session exists. a_kept: whether Tollgate keeps the session's conversation (a new
-- session is made so; an existing one must be so, else OTHER_KIND), NULL when it does not matter
-- (the client sends the conversation). Returns tollgate_reserve's answer, NO_SESSION when an
-- existing session is not the caller's (the rule of Policies.mayUseSession: its user, in its
-- company), or OTHER_KIND.
-- Every answer but HELD leaves no slot, no hold and no session; the request stays counted. A
-- limit passed raises TG001 to TG004 as tollgate_open_stream does.
DROP FUNCTION IF EXISTS tollgate_admit(UUID, VARCHAR, VARCHAR, TIMESTAMPTZ, TIMESTAMPTZ, TIMESTAMPTZ, INTEGER, INTEGER,
                                       INTEGER, INTEGER, UUID, VARCHAR, VARCHAR, VARCHAR, UUID, VARCHAR, BIGINT,
                                       VARCHAR, TIMESTAMPTZ, TIMESTAMPTZ, TIMESTAMPTZ, TIMESTAMPTZ, BIGINT);
DROP FUNCTION IF EXISTS tollgate_admit(UUID, VARCHAR, VARCHAR, TIMESTAMPTZ, TIMESTAMPTZ, TIMESTAMPTZ, INTEGER, INTEGER,
                                       INTEGER, INTEGER, UUID, VARCHAR, VARCHAR, VARCHAR, UUID, VARCHAR, BIGINT,
                                       VARCHAR, TIMESTAMPTZ, TIMESTAMPTZ, TIMESTAMPTZ, TIMESTAMPTZ, BIGINT, JSONB);

CREATE OR REPLACE FUNCTION tollgate_admit(s_turn UUID, s_company VARCHAR, s_user VARCHAR, s_now TIMESTAMPTZ,
                                          s_expires TIMESTAMPTZ, s_window TIMESTAMPTZ, s_user_requests INTEGER,
                                          s_company_requests INTEGER, s_user_streams INTEGER, s_company_streams INTEGER,
                                          p_turn UUID, p_company VARCHAR, p_user VARCHAR, p_request VARCHAR,
                                          p_session UUID, p_model VARCHAR, p_credits BIGINT, p_purpose VARCHAR,
                                          p_now TIMESTAMPTZ, p_expires TIMESTAMPTZ, p_day_start TIMESTAMPTZ,
                                          p_month_start TIMESTAMPTZ, p_initial_grant BIGINT, a_opening JSONB,
                                          a_kept BOOLEAN)
    RETURNS VARCHAR
    LANGUAGE plpgsql AS $$
DECLARE
    answer VARCHAR;
    held_kept BOOLEAN;
    held BOOLEAN := a_opening IS NOT NULL;
BEGIN
    PERFORM tollgate_open_stream(s_turn, s_company, s_user, s_now, s_expires, s_window, s_user_requests,
                                 s_company_requests, s_user_streams, s_company_streams);
    IF a_opening IS NULL THEN
        SELECT kept INTO held_kept FROM chat_session WHERE id = p_session AND user_id = p_user AND company_id = p_company;
        held := FOUND;
    END IF;
    IF NOT held THEN
        answer := 'NO_SESSION';
    ELSIF a_opening IS NULL AND a_kept IS NOT NULL AND held_kept <> a_kept THEN
        answer := 'OTHER_KIND';
    ELSE
        answer := tollgate_reserve(p_turn, p_company, p_user, p_request, p_session, p_model, p_credits, p_purpose,
                                   p_now, p_expires, p_day_start, p_month_start, p_initial_grant);
    END IF;
    IF answer <> 'HELD' THEN
        DELETE FROM stream_slot WHERE turn_id = s_turn;
    ELSIF a_opening IS NOT NULL THEN
        INSERT INTO chat_session (id, user_id, company_id, created_at, last_activity_at, kept)
        VALUES (p_session, p_user, p_company, p_now, p_now, coalesce(a_kept, false));
        PERFORM tollgate_insert_audit(jsonb_build_array(a_opening));
    END IF;
    RETURN answer;
END;
$$;
