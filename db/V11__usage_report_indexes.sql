-- The usage report reads one of these instead of the table: each holds every column the report
-- needs, in the order of a grouping (time for per-day, user then session, model), so a month of a
-- million answers is aggregated from presorted index entries, without a sort (see UsageReports).
-- The time index also serves the auditor's event pages, which it served before.
DROP INDEX audit_event_company_time_idx;
CREATE INDEX audit_event_company_time_idx ON audit_event (company_id, occurred_at, id)
    INCLUDE (action, outcome, latency_ms, ttft_ms, prompt_tokens, completion_tokens, credits);
CREATE INDEX audit_event_company_user_idx ON audit_event (company_id, user_id, session_id)
    INCLUDE (occurred_at, action, outcome, latency_ms, ttft_ms, prompt_tokens, completion_tokens, credits);
CREATE INDEX audit_event_company_model_idx ON audit_event (company_id, model)
    INCLUDE (occurred_at, action, outcome, latency_ms, ttft_ms, prompt_tokens, completion_tokens, credits);
