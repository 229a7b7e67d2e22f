-- Memberships suspended or removed in auth (user.membership.changed): tokens of these (user,
-- org) pairs are refused before they expire (chassis.revocation).
CREATE TABLE tenancy_revoked (
    user_id uuid        NOT NULL,
    org_id  uuid        NOT NULL,
    since   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, org_id)
);
