-- A stream's admission (RateLimits.openStream, and the first step of tollgate_admit): the request
-- counted for its user and its company, and a stream slot taken, or nothing at all. The company's
-- counter row serialises the company's slot decisions; as one statement it is held only while the
-- statement runs.
--
-- A refusal raises an error, which undoes the counts already made (refused requests cost
-- nothing); its SQLSTATE names the limit: TG001 the user's requests per minute, TG002 the
-- company's, TG003 the company's open streams, TG004 the user's. Returns the company's open
-- streams, this one included. Counters and slots are provisional (a slot expires, a window lasts
-- a minute), so the commit does not wait for the WAL flush.
CREATE OR REPLACE FUNCTION tollgate_open_stream(p_turn UUID, p_company VARCHAR, p_user VARCHAR,
                                                p_now TIMESTAMPTZ, p_expires TIMESTAMPTZ, p_window TIMESTAMPTZ,
                                                p_user_requests INTEGER, p_company_requests INTEGER,
                                                p_user_streams INTEGER, p_company_streams INTEGER)
    RETURNS BIGINT
    LANGUAGE plpgsql
    -- A plain index scan skips the dead slots earlier scans marked; a bitmap scan visits them all again.
    SET enable_bitmapscan = off
    AS $$
DECLARE
    open_all  BIGINT;
    open_mine BIGINT;
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);

    INSERT INTO rate_window (subject, window_start, requests)
    VALUES ('user:' || p_company || '/' || p_user, p_window, 1)
    ON CONFLICT (subject, window_start) DO UPDATE SET requests = rate_window.requests + 1
        WHERE rate_window.requests < p_user_requests;
    IF NOT FOUND OR p_user_requests <= 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'TG001', MESSAGE = 'user requests per minute';
    END IF;

    -- From here to the end of the statement the company's counter row is locked.
    INSERT INTO rate_window (subject, window_start, requests)
    VALUES ('company:' || p_company, p_window, 1)
    ON CONFLICT (subject, window_start) DO UPDATE SET requests = rate_window.requests + 1
        WHERE rate_window.requests < p_company_requests;
    IF NOT FOUND OR p_company_requests <= 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'TG002', MESSAGE = 'company requests per minute';
    END IF;

    SELECT count(*), count(*) FILTER (WHERE user_id = p_user)
    INTO open_all, open_mine
    FROM stream_slot
    WHERE company_id = p_company AND expires_at > p_now AND turn_id <> p_turn;
    IF open_all >= p_company_streams THEN
        RAISE EXCEPTION USING ERRCODE = 'TG003', MESSAGE = 'company streams';
    END IF;
    IF open_mine >= p_user_streams THEN
        RAISE EXCEPTION USING ERRCODE = 'TG004', MESSAGE = 'user streams';
    END IF;

    INSERT INTO stream_slot (turn_id, company_id, user_id, started_at, expires_at)
    VALUES (p_turn, p_company, p_user, p_now, p_expires)
    ON CONFLICT (turn_id) DO NOTHING;
    RETURN open_all + 1;
END;
$$;
