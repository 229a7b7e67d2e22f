-- Organisations (offices and companies) and which office serves which company.
CREATE TABLE organisations (
    id          uuid PRIMARY KEY,
    kind        text        NOT NULL CHECK (kind IN ('office', 'company')),
    nip         char(10)    NOT NULL CHECK (nip ~ '^[0-9]{10}$'),
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 512),
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (kind, nip)
);

CREATE TABLE office_clients (
    office_id   uuid        NOT NULL REFERENCES organisations (id),
    company_id  uuid        NOT NULL REFERENCES organisations (id),
    linked_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (office_id, company_id)
);
-- A company is served by one office at a time.
CREATE UNIQUE INDEX office_clients_one_office ON office_clients (company_id);
