-- Every turn inserts a stream slot and deletes it when it ends, so stream_slot is mostly dead
-- rows until a vacuum. The slot count in tollgate_open_stream was planned as a bitmap scan, which
-- visits every dead index entry again on every call: after 45,000 turns it took 1.9 ms of the
-- function's 2 ms at C=1, all of it with the company's counter row locked. A plain index scan
-- marks the entries of rows dead to everyone as it passes them, and later scans skip them
-- (0.06 ms at the same table). Autovacuum, where it runs, is told to visit this small, busy
-- table by its churn rather than its size.
ALTER FUNCTION tollgate_open_stream(UUID, VARCHAR, VARCHAR, TIMESTAMPTZ, TIMESTAMPTZ, TIMESTAMPTZ, INTEGER, INTEGER,
                                    INTEGER, INTEGER)
    SET enable_bitmapscan = off;
ALTER TABLE stream_slot SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000);
