-- Tenancy read model: which organisations exist, which office serves which company, and which
-- clients an office user limited to assigned clients may act on. Kept from auth's org.* events
-- by every service (chassis.tenancy), so each service enforces the context locally.
CREATE TABLE tenancy_orgs (
    org_id     uuid        PRIMARY KEY,
    kind       text        NOT NULL CHECK (kind IN ('office', 'company')),
    nip        text        NOT NULL,
    name       text        NOT NULL,
    address    text,
    office_id  uuid,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tenancy_orgs_office ON tenancy_orgs (office_id) WHERE office_id IS NOT NULL;

CREATE TABLE tenancy_assignments (
    office_id  uuid NOT NULL,
    user_id    uuid NOT NULL,
    company_id uuid NOT NULL,
    PRIMARY KEY (office_id, user_id, company_id)
);
