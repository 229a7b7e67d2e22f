-- Password-reset requests, kept to limit how many reset e-mails one account or one client
-- address can trigger per window (every request is recorded, known address or not).
CREATE TABLE password_reset_requests (
    id     bigserial PRIMARY KEY,
    email  text        NOT NULL,
    ip     inet,
    at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX password_reset_requests_email ON password_reset_requests (email, at);
CREATE INDEX password_reset_requests_ip ON password_reset_requests (ip, at);
