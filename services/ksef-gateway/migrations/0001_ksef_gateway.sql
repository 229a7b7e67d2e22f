-- Secrets (KSeF tokens, private keys, passwords, KSeF session tokens), envelope-encrypted:
-- each row has its own data key, wrapped by the master key named in key_id.
CREATE TABLE secrets (
    id          uuid        PRIMARY KEY,
    key_id      text        NOT NULL,
    wrapped_key bytea       NOT NULL,
    nonce       bytea       NOT NULL,
    ciphertext  bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX secrets_key_id ON secrets (key_id);

-- The office's own credential for central authorisation (one per office).
CREATE TABLE office_credentials (
    office_id        uuid        PRIMARY KEY,
    office_nip       text        NOT NULL,
    kind             text        NOT NULL CHECK (kind IN ('certificate', 'ksef_certificate')),
    certificate_pem  text        NOT NULL,
    key_secret       uuid        NOT NULL REFERENCES secrets (id),
    subject          text        NOT NULL,
    valid_from       timestamptz NOT NULL,
    valid_until      timestamptz NOT NULL,
    status           text        NOT NULL,
    message          text,
    updated_at       timestamptz NOT NULL DEFAULT now()
);

-- How each company reaches KSeF, and the state of that way in.
CREATE TABLE company_auth (
    company_id       uuid        PRIMARY KEY,
    company_nip      text        NOT NULL,
    method           text        NOT NULL,
    status           text        NOT NULL,
    valid_until      timestamptz,
    permissions      text[]      NOT NULL DEFAULT '{}',
    message          text,
    certificate_pem  text,
    secret_id        uuid        REFERENCES secrets (id),
    -- signed_xml flow: the challenge of the AuthTokenRequest handed out for signing.
    pending_challenge text,
    checked_at       timestamptz,
    updated_at       timestamptz NOT NULL DEFAULT now()
);

-- The KSeF session per company context: access and refresh tokens (encrypted).
CREATE TABLE ksef_sessions (
    company_id        uuid        PRIMARY KEY,
    access_secret     uuid        REFERENCES secrets (id),
    access_until      timestamptz,
    refresh_secret    uuid        REFERENCES secrets (id),
    refresh_until     timestamptz,
    updated_at        timestamptz NOT NULL DEFAULT now()
);

-- One checkpoint per (company, subject type): the PermanentStorage high-water mark.
CREATE TABLE sync_checkpoints (
    company_id     uuid        NOT NULL,
    subject_type   text        NOT NULL CHECK (subject_type IN ('Subject1', 'Subject2')),
    checkpoint     timestamptz NOT NULL,
    enabled        boolean     NOT NULL DEFAULT true,
    next_due_at    timestamptz NOT NULL,
    priority       boolean     NOT NULL DEFAULT false,
    lease_owner    text,
    lease_until    timestamptz,
    last_started_at  timestamptz,
    last_finished_at timestamptz,
    last_error     text,
    fetched_total  bigint      NOT NULL DEFAULT 0,
    PRIMARY KEY (company_id, subject_type)
);
CREATE INDEX sync_checkpoints_due ON sync_checkpoints (priority DESC, next_due_at) WHERE enabled;

-- Dedupe: each (company, subject type, KSeF number) is published exactly once.
CREATE TABLE fetched_invoices (
    company_id    uuid        NOT NULL,
    subject_type  text        NOT NULL,
    ksef_number   text        NOT NULL,
    fetched_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, subject_type, ksef_number)
);

-- Rate governor: every request sent per (context, endpoint group), and blocks from Retry-After.
-- Shared by all replicas so no replica can spend a context's budget twice.
CREATE TABLE rate_events (
    context    text        NOT NULL,
    grp        text        NOT NULL,
    at         timestamptz NOT NULL
);
CREATE INDEX rate_events_lookup ON rate_events (context, grp, at);

CREATE TABLE rate_blocks (
    context    text        NOT NULL,
    grp        text        NOT NULL,
    until      timestamptz NOT NULL,
    -- 429 answers received: the gateway's goal is to keep this at zero.
    too_many   integer     NOT NULL DEFAULT 0,
    PRIMARY KEY (context, grp)
);
