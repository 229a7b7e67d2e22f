-- Names of users (from auth's user.created / user.membership.changed), so the booking stamp
-- and the history can say who did something instead of showing an id.
CREATE TABLE users (
    user_id    uuid        PRIMARY KEY,
    email      text        NOT NULL,
    full_name  text,
    updated_at timestamptz NOT NULL DEFAULT now()
);
