-- Accounts, memberships, invitations, sessions, login throttling and the audit log.
ALTER TABLE organisations ADD COLUMN address text CHECK (length(address) <= 1024);

CREATE TABLE users (
    id                  uuid PRIMARY KEY,
    email               text        NOT NULL UNIQUE CHECK (email = lower(email)),
    full_name           text        CHECK (length(full_name) <= 256),
    -- NULL until the person activates the account and sets a password.
    password_hash       text,
    status              text        NOT NULL CHECK (status IN ('pending', 'active', 'disabled')),
    totp_secret         text,
    totp_enabled        boolean     NOT NULL DEFAULT false,
    created_at          timestamptz NOT NULL DEFAULT now(),
    activated_at        timestamptz,
    password_changed_at timestamptz
);

CREATE TABLE memberships (
    user_id     uuid        NOT NULL REFERENCES users (id),
    org_id      uuid        NOT NULL REFERENCES organisations (id),
    role        text        NOT NULL
                CHECK (role IN ('admin', 'manager', 'employee', 'owner', 'client')),
    -- Office staff only: false when limited to the client companies assigned to them.
    all_clients boolean     NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, org_id)
);
CREATE INDEX memberships_org ON memberships (org_id);

CREATE TABLE assignments (
    user_id     uuid NOT NULL,
    office_id   uuid NOT NULL,
    company_id  uuid NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (user_id, office_id, company_id),
    FOREIGN KEY (user_id, office_id) REFERENCES memberships (user_id, org_id) ON DELETE CASCADE
);

-- Activation and password-reset links: only a hash is stored; each works once, until expiry.
CREATE TABLE one_time_tokens (
    token_hash  bytea       PRIMARY KEY,
    purpose     text        NOT NULL CHECK (purpose IN ('activation', 'password_reset')),
    user_id     uuid        NOT NULL REFERENCES users (id),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id, purpose);

CREATE TABLE invitations (
    id          uuid PRIMARY KEY,
    org_id      uuid        NOT NULL REFERENCES organisations (id),
    email       text        NOT NULL CHECK (email = lower(email)),
    role        text        NOT NULL
                CHECK (role IN ('admin', 'manager', 'employee', 'owner', 'client')),
    all_clients boolean     NOT NULL DEFAULT true,
    invited_by  uuid        REFERENCES users (id),
    status      text        NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'accepted', 'rejected', 'revoked')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    decided_at  timestamptz
);
CREATE UNIQUE INDEX invitations_one_pending ON invitations (org_id, email) WHERE status = 'pending';
CREATE INDEX invitations_email ON invitations (email) WHERE status = 'pending';

-- A session is one login on one device: the family of its rotating refresh tokens.
CREATE TABLE sessions (
    id            uuid PRIMARY KEY,
    user_id       uuid        NOT NULL REFERENCES users (id),
    org_id        uuid        REFERENCES organisations (id),
    user_agent    text,
    ip            inet,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    revoked_at    timestamptz,
    revoked_why   text
);
CREATE INDEX sessions_user ON sessions (user_id) WHERE revoked_at IS NULL;

CREATE TABLE refresh_tokens (
    token_hash  bytea       PRIMARY KEY,
    session_id  uuid        NOT NULL REFERENCES sessions (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    -- Set when rotated: presenting a used token again means it was stolen.
    used_at     timestamptz
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

CREATE TABLE recovery_codes (
    user_id     uuid        NOT NULL REFERENCES users (id),
    code_hash   bytea       NOT NULL,
    used_at     timestamptz,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE login_attempts (
    id          bigserial PRIMARY KEY,
    email       text        NOT NULL,
    ip          inet,
    succeeded   boolean     NOT NULL,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_email ON login_attempts (email, at);
CREATE INDEX login_attempts_ip ON login_attempts (ip, at) WHERE NOT succeeded;

CREATE TABLE audit_log (
    id          bigserial PRIMARY KEY,
    org_id      uuid,
    -- The account the entry is about (login, failed login, role change ...).
    user_id     uuid,
    actor_id    uuid,
    action      text        NOT NULL,
    details     jsonb       NOT NULL DEFAULT '{}'::jsonb,
    ip          inet,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_org ON audit_log (org_id, id);
CREATE INDEX audit_log_user ON audit_log (user_id, id);
