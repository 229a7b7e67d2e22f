-- The send queue: every invoice.send.requested becomes one row, kept until KSeF decided.
-- `state` moves queued -> sending (recorded *before* the invoice is posted, with the session)
-- -> submitted (KSeF gave its reference) -> sent | failed. After a crash a `sending` row is
-- looked up in its session by hash before anything is posted again, so nothing goes twice.
CREATE TABLE send_queue (
    invoice_id          uuid        PRIMARY KEY,
    company_id          uuid        NOT NULL,
    company_nip         text        NOT NULL,
    on_behalf_office_id uuid,
    -- Which credential and KSeF session serve the invoice: the company's own, or the office's.
    context_key         text        NOT NULL,
    xml                 text        NOT NULL,
    invoice_hash        text        NOT NULL,
    offline             boolean     NOT NULL DEFAULT false,
    offline_deadline    text,
    requested_by        uuid        NOT NULL,
    requested_at        timestamptz NOT NULL DEFAULT now(),
    state               text        NOT NULL DEFAULT 'queued'
                        CHECK (state IN ('queued', 'sending', 'submitted', 'sent', 'failed')),
    attempts            integer     NOT NULL DEFAULT 0,
    next_attempt_at     timestamptz NOT NULL DEFAULT now(),
    lease_owner         text,
    lease_until         timestamptz,
    last_error          text,
    session_ref         text,
    invoice_ref         text,
    ksef_number         text,
    finished_at         timestamptz
);
CREATE INDEX send_queue_due ON send_queue (next_attempt_at)
    WHERE state IN ('queued', 'sending', 'submitted');

-- Open online sessions, one per context, reused for many invoices and closed when idle.
-- The AES key and IV (needed to encrypt more invoices into the session) are in `secrets`.
CREATE TABLE send_sessions (
    context_key   text        PRIMARY KEY,
    company_nip   text        NOT NULL,
    reference     text        NOT NULL,
    key_secret    uuid        NOT NULL REFERENCES secrets (id),
    valid_until   timestamptz NOT NULL,
    invoice_count integer     NOT NULL DEFAULT 0,
    opened_at     timestamptz NOT NULL,
    last_used_at  timestamptz NOT NULL
);
