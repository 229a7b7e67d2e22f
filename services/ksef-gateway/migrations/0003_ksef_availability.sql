-- KSeF availability as the gateway sees it (the Latarnia status service and its own requests):
-- one row, changed together with the outbox row of ksef.availability.changed.
CREATE TABLE ksef_availability (
    id         integer     PRIMARY KEY CHECK (id = 1),
    status     text        NOT NULL CHECK (status IN ('available', 'unavailable')),
    mode       text        CHECK (mode IN ('offline', 'awaryjny', 'total')),
    source     text        NOT NULL,
    since      timestamptz NOT NULL,
    until      timestamptz,
    message    text        NOT NULL,
    checked_at timestamptz NOT NULL
);

-- The issuer can issue the invoice offline: while KSeF is unavailable it is handed back
-- (invoice.send.failed, ksef_unavailable) rather than held until KSeF answers.
ALTER TABLE send_queue ADD COLUMN offline_fallback boolean NOT NULL DEFAULT false;
