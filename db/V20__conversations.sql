-- Conversations Tollgate keeps itself: those of sessions on models whose servers keep none
-- (OpenAI-compatible ones). Only ciphertext: AES-256-GCM under a key from the environment,
-- named by key_id so that keys can be rotated; the session and position are bound into each
-- row's tag. Deleted with the session.
CREATE TABLE session_message (
    session_id  UUID         NOT NULL REFERENCES chat_session (id) ON DELETE CASCADE,
    seq         INTEGER      NOT NULL,
    role        VARCHAR(16)  NOT NULL,
    key_id      VARCHAR(32)  NOT NULL,
    content     BYTEA        NOT NULL,
    created_at  TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (session_id, seq)
);
-- Whose history a session is: Tollgate's (kept) or the seed service's. A session keeps its kind:
-- admission refuses it on a model of the other (tollgate_admit, OTHER_KIND).
ALTER TABLE chat_session ADD COLUMN kept BOOLEAN NOT NULL DEFAULT false;
