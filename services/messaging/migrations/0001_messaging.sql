-- Who belongs to which organisation, from auth's user.membership.changed: the addresses of a
-- company's people and of an office's staff.
CREATE TABLE members (
    user_id     uuid        NOT NULL,
    org_id      uuid        NOT NULL,
    org_kind    text        NOT NULL CHECK (org_kind IN ('office', 'company')),
    email       text        NOT NULL,
    full_name   text,
    role        text        NOT NULL,
    all_clients boolean     NOT NULL DEFAULT true,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX members_user ON members (user_id);

-- E-mail categories a user switched off; absent row or category = sent.
CREATE TABLE notification_settings (
    user_id    uuid        PRIMARY KEY,
    disabled   text[]      NOT NULL DEFAULT '{}',
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Every e-mail, rendered when it was requested (the record of what was sent). One row per
-- notification_id ever: the idempotency key. status: pending -> sending (claimed under a
-- lease) -> sent | failed; skipped when the recipient switched the category off.
CREATE TABLE emails (
    notification_id uuid        PRIMARY KEY,
    template        text        NOT NULL,
    category        text        NOT NULL,
    to_email        text        NOT NULL,
    to_name         text,
    user_id         uuid,
    org_id          uuid,
    subject         text        NOT NULL,
    body_text       text        NOT NULL,
    body_html       text        NOT NULL,
    status          text        NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    lease_until     timestamptz,
    last_error      text,
    message_id      text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);
CREATE INDEX emails_due ON emails (next_attempt_at) WHERE status = 'pending';
CREATE INDEX emails_leased ON emails (lease_until) WHERE status = 'sending';

-- A conversation between one company and its office.
CREATE TABLE threads (
    id          uuid        PRIMARY KEY,
    company_id  uuid        NOT NULL,
    office_id   uuid,
    subject     text        NOT NULL,
    created_by  uuid,
    inquiry_id  uuid        UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    last_seq    bigint      NOT NULL DEFAULT 0
);
CREATE INDEX threads_company ON threads (company_id, last_seq DESC);

-- Invoices an inquiry thread is about (links back to the invoices service).
CREATE TABLE thread_invoices (
    thread_id      uuid NOT NULL REFERENCES threads (id),
    invoice_id     uuid NOT NULL,
    ksef_number    text,
    invoice_number text,
    counterparty   text,
    PRIMARY KEY (thread_id, invoice_id)
);

-- seq is global and only grows: it orders a thread's messages and marks what a user has read.
CREATE TABLE messages (
    seq            bigserial   PRIMARY KEY,
    id             uuid        NOT NULL UNIQUE,
    thread_id      uuid        NOT NULL REFERENCES threads (id),
    author_user_id uuid,
    author_name    text,
    author_side    text        NOT NULL CHECK (author_side IN ('office', 'company', 'system')),
    body           text        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX messages_thread ON messages (thread_id, seq);

-- Attachments are files of the files service: only their ids and names live here.
CREATE TABLE message_attachments (
    message_id uuid    NOT NULL REFERENCES messages (id),
    position   integer NOT NULL,
    file_id    uuid    NOT NULL,
    name       text    NOT NULL,
    PRIMARY KEY (message_id, position)
);

CREATE TABLE thread_reads (
    thread_id     uuid        NOT NULL REFERENCES threads (id),
    user_id       uuid        NOT NULL,
    last_read_seq bigint      NOT NULL,
    read_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, thread_id)
);
