-- The companies taxes are kept for: a local copy of auth's organisations (kind company),
-- fed by org.* events, so taxes never calls auth to answer a request.
CREATE TABLE companies (
    org_id      uuid PRIMARY KEY,
    nip         char(10)    NOT NULL,
    name        text        NOT NULL,
    office_id   uuid,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX companies_office ON companies (office_id);
