-- Companies now come from the chassis tenancy read model (tenancy_orgs, kept from org.*).
-- Rows taxes already knew are carried over before the old table goes; a view of the same name
-- keeps read-only tools and the outbox e2e test that count `companies` working.
INSERT INTO tenancy_orgs (org_id, kind, nip, name, office_id, updated_at)
SELECT org_id, 'company', nip, name, office_id, updated_at FROM companies
ON CONFLICT (org_id) DO NOTHING;
DROP TABLE companies;
CREATE VIEW companies AS
    SELECT org_id, nip, name, office_id, updated_at FROM tenancy_orgs WHERE kind = 'company';

-- One tax or fee a company has to pay. Money is always integer grosze.
-- `period` is the first day of the month the item belongs to (the tile it shows on).
CREATE TABLE tax_items (
    id               uuid        PRIMARY KEY,
    company_id       uuid        NOT NULL,
    kind             text        NOT NULL CHECK (kind IN ('vat', 'pit', 'cit', 'zus', 'ppk', 'other')),
    period           date        NOT NULL CHECK (extract(day FROM period) = 1),
    amount_grosze    bigint      NOT NULL CHECK (amount_grosze > 0),
    paid_grosze      bigint      NOT NULL DEFAULT 0,
    due_date         date        NOT NULL,
    account          char(26)    NOT NULL CHECK (account ~ '^[0-9]{26}$'),
    recipient        text        NOT NULL,
    title            text        NOT NULL CHECK (length(title) BETWEEN 1 AND 140),
    transfer         text        NOT NULL CHECK (transfer IN ('tax', 'ordinary', 'split')),
    form_symbol      text,
    tax_period       text,
    liability_id     text,
    split_vat_grosze bigint      CHECK (split_vat_grosze > 0),
    split_nip        text,
    split_invoice    text,
    created_by       uuid        NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (paid_grosze BETWEEN 0 AND amount_grosze),
    CHECK (transfer <> 'split' OR (split_vat_grosze IS NOT NULL AND split_nip IS NOT NULL
                                   AND split_invoice IS NOT NULL))
);
CREATE INDEX tax_items_company_period ON tax_items (company_id, period);
-- The scheduler only ever looks at items still owing money.
CREATE INDEX tax_items_open_by_due ON tax_items (due_date) WHERE paid_grosze < amount_grosze;

CREATE TABLE tax_payments (
    id            uuid        PRIMARY KEY,
    item_id       uuid        NOT NULL REFERENCES tax_items (id) ON DELETE CASCADE,
    paid_on       date        NOT NULL,
    amount_grosze bigint      NOT NULL CHECK (amount_grosze > 0),
    recorded_by   uuid        NOT NULL,
    recorded_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tax_payments_item ON tax_payments (item_id);

-- tax.item.due published, once per item, stage and due date: the primary key is what makes
-- "once" hold even when several scheduler replicas race. A moved due date notifies again.
CREATE TABLE tax_item_notices (
    item_id      uuid        NOT NULL REFERENCES tax_items (id) ON DELETE CASCADE,
    stage        text        NOT NULL CHECK (stage IN ('upcoming', 'overdue')),
    due_date     date        NOT NULL,
    published_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (item_id, stage, due_date)
);
