-- A turn on a session that exists, admitted in one statement (TurnAdmission): its request counted
-- and a stream slot taken (tollgate_open_stream), the session checked to be the caller's, and the
-- most the answer may cost held (tollgate_reserve): one round trip on the path to the first token.
-- A new session is created upstream between the count and the hold, so a turn that opens one
-- makes the calls one by one.
--
-- The commit does not wait for the WAL flush: tollgate_open_stream asks that of the whole
-- transaction, and here the hold is part of it. A database crash can therefore lose the holds
-- committed in its last moments, never a capture: a capture's commit waits for the flush, and
-- the WAL is written in order, so every record before it is flushed with it. A turn whose hold was
-- lost captures nothing when it ends, and reconciliation books its reported usage as an
-- adjustment, as for any request the ledger has no entry for.
--
-- Returns tollgate_reserve's answer, or NO_SESSION when the session is not the caller's (the
-- rule of Policies.mayUseSession: its user, in its company). Every answer but HELD leaves no slot
-- and no hold; the request stays counted. A limit passed raises TG001 to TG004 as
-- tollgate_open_stream does.
CREATE OR REPLACE FUNCTION tollgate_admit(s_turn UUID, s_company VARCHAR, s_user VARCHAR, s_now TIMESTAMPTZ,
                                          s_expires TIMESTAMPTZ, s_window TIMESTAMPTZ, s_user_requests INTEGER,
                                          s_company_requests INTEGER, s_user_streams INTEGER, s_company_streams INTEGER,
                                          p_turn UUID, p_company VARCHAR, p_user VARCHAR, p_request VARCHAR,
                                          p_session UUID, p_model VARCHAR, p_credits BIGINT, p_purpose VARCHAR,
                                          p_now TIMESTAMPTZ, p_expires TIMESTAMPTZ, p_day_start TIMESTAMPTZ,
                                          p_month_start TIMESTAMPTZ, p_initial_grant BIGINT)
    RETURNS VARCHAR
    LANGUAGE plpgsql AS $$
DECLARE
    answer VARCHAR;
BEGIN
    PERFORM tollgate_open_stream(s_turn, s_company, s_user, s_now, s_expires, s_window, s_user_requests,
                                 s_company_requests, s_user_streams, s_company_streams);
    IF EXISTS (SELECT 1 FROM chat_session WHERE id = p_session AND user_id = p_user AND company_id = p_company) THEN
        answer := tollgate_reserve(p_turn, p_company, p_user, p_request, p_session, p_model, p_credits, p_purpose,
                                   p_now, p_expires, p_day_start, p_month_start, p_initial_grant);
    ELSE
        answer := 'NO_SESSION';
    END IF;
    IF answer <> 'HELD' THEN
        DELETE FROM stream_slot WHERE turn_id = s_turn;
    END IF;
    RETURN answer;
END;
$$;
