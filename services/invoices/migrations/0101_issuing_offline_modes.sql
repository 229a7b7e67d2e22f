-- Offline modes of issued invoices (offline24 chosen by the issuer; offline, awaryjny, total
-- when KSeF is unavailable) and KSeF's availability as the gateway reports it.
ALTER TABLE issued_invoices ADD COLUMN offline_mode text
    CHECK (offline_mode IN ('offline24', 'offline', 'awaryjny', 'total'));
UPDATE issued_invoices SET offline_mode = 'offline24' WHERE offline;

-- Corrections of advance and settlement invoices.
ALTER TABLE issued_invoices DROP CONSTRAINT issued_invoices_kind_check;
ALTER TABLE issued_invoices ADD CONSTRAINT issued_invoices_kind_check
    CHECK (kind IN ('VAT', 'KOR', 'ZAL', 'ROZ', 'KOR_ZAL', 'KOR_ROZ'));
ALTER TABLE issuing_series DROP CONSTRAINT issuing_series_kind_check;
ALTER TABLE issuing_series ADD CONSTRAINT issuing_series_kind_check
    CHECK (kind IN ('VAT', 'KOR', 'ZAL', 'ROZ', 'KOR_ZAL', 'KOR_ROZ'));

-- The last ksef.availability.changed (one row); `since` orders them.
CREATE TABLE issuing_ksef_availability (
    id      integer     PRIMARY KEY CHECK (id = 1),
    status  text        NOT NULL,
    mode    text,
    since   timestamptz NOT NULL,
    until   timestamptz,
    message text        NOT NULL
);
