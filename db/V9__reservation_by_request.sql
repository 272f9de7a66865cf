-- Usage webhooks settle the hold of their request (Option B tokens hold credits when issued).
CREATE INDEX credit_reservation_request_idx ON credit_reservation (request_id);
