-- Audit rows as AuditRows maps them (a JSON array of audit_event rows): the one place an
-- entry's columns are listed, for the batched writer and for a turn's end (tollgate_end_turn).
CREATE OR REPLACE FUNCTION tollgate_insert_audit(p_rows JSONB)
    RETURNS VOID
    LANGUAGE sql AS $$
    INSERT INTO audit_event (occurred_at, company_id, user_id, roles, action, target, request_id, session_id, model,
                             prompt_tokens, completion_tokens, credits, outcome, latency_ms, ttft_ms, client_address,
                             user_agent)
    SELECT occurred_at, company_id, user_id, roles, action, target, request_id, session_id, model, prompt_tokens,
           completion_tokens, credits, outcome, latency_ms, ttft_ms, client_address, user_agent
    FROM jsonb_populate_recordset(NULL::audit_event, p_rows);
$$;
