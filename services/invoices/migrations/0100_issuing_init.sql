-- Issuing sales invoices into KSeF: drafts, numbering series, offline certificates.

-- Per company: may the office's staff issue invoices on the company's behalf (the company
-- granted the office InvoiceWrite in KSeF)?
CREATE TABLE issuing_settings (
    company_id       uuid        PRIMARY KEY,
    office_may_issue boolean     NOT NULL DEFAULT false,
    updated_by       uuid,
    updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE issuing_series (
    id         uuid        PRIMARY KEY,
    company_id uuid        NOT NULL,
    kind       text        NOT NULL CHECK (kind IN ('VAT', 'KOR', 'ZAL', 'ROZ')),
    name       text        NOT NULL,
    pattern    text        NOT NULL,
    reset      text        NOT NULL CHECK (reset IN ('yearly', 'monthly', 'never')),
    is_default boolean     NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (company_id, name)
);
CREATE UNIQUE INDEX issuing_series_default ON issuing_series (company_id, kind) WHERE is_default;

-- The last number used per series and period; incremented by an upsert, which row-locks the
-- counter until the issuing transaction ends, so two concurrent issues never share a number.
CREATE TABLE issuing_counters (
    series_id uuid    NOT NULL REFERENCES issuing_series (id) ON DELETE CASCADE,
    period    text    NOT NULL,
    last      integer NOT NULL,
    PRIMARY KEY (series_id, period)
);

CREATE TABLE issued_invoices (
    id                  uuid          PRIMARY KEY,
    company_id          uuid          NOT NULL,
    kind                text          NOT NULL CHECK (kind IN ('VAT', 'KOR', 'ZAL', 'ROZ')),
    status              text          NOT NULL
        CHECK (status IN ('draft', 'sending', 'offline', 'accepted', 'rejected')),
    number              text,
    series_id           uuid          REFERENCES issuing_series (id),
    issue_date          date          NOT NULL,
    buyer_nip           text,
    buyer_name          text          NOT NULL,
    currency            text          NOT NULL,
    net                 numeric(18,2) NOT NULL,
    vat                 numeric(18,2) NOT NULL,
    gross               numeric(18,2) NOT NULL,
    totals              jsonb         NOT NULL,
    form                jsonb         NOT NULL,
    corrected_id        uuid          REFERENCES issued_invoices (id),
    xml                 bytea,
    invoice_hash        text,
    offline             boolean       NOT NULL DEFAULT false,
    offline_deadline    date,
    qr2_link            text,
    send_event_id       uuid,
    on_behalf_office_id uuid,
    ksef_number         text,
    ksef_reference      text,
    session_reference   text,
    acquisition_date    timestamptz,
    upo_xml             text,
    error_message       text,
    errors              jsonb,
    retryable           boolean,
    created_by          uuid          NOT NULL,
    created_at          timestamptz   NOT NULL DEFAULT now(),
    updated_at          timestamptz   NOT NULL DEFAULT now(),
    sent_at             timestamptz,
    accepted_at         timestamptz,
    -- KSeF's duplicate key is seller NIP + RodzajFaktury + P_2; the seller is the company.
    UNIQUE (company_id, kind, number)
);
CREATE INDEX issued_invoices_company ON issued_invoices (company_id, created_at DESC, id);
CREATE INDEX issued_invoices_waiting ON issued_invoices (offline_deadline)
    WHERE status IN ('sending', 'offline');

-- Buyers a company invoiced before, for the lookup by NIP or name.
CREATE TABLE issuing_counterparties (
    company_id uuid        NOT NULL,
    key        text        NOT NULL,
    nip        text,
    name       text        NOT NULL,
    buyer      jsonb       NOT NULL,
    used_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, key)
);

-- The company's KSeF certificate of type Offline (signs QR code II). The private key is
-- stored as PKCS#8 DER without encryption: the database is the service's own (see README).
CREATE TABLE issuing_offline_certificates (
    company_id  uuid        PRIMARY KEY,
    serial      text        NOT NULL,
    certificate bytea       NOT NULL,
    private_key bytea       NOT NULL,
    valid_from  timestamptz NOT NULL,
    valid_to    timestamptz NOT NULL,
    uploaded_by uuid        NOT NULL,
    uploaded_at timestamptz NOT NULL DEFAULT now()
);
