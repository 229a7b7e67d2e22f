-- An administrator may suspend a membership: the person keeps the account and their other
-- organisations but cannot work in this one until the suspension is lifted.
ALTER TABLE memberships ADD COLUMN suspended_at timestamptz;
ALTER TABLE memberships ADD COLUMN suspended_by uuid;
CREATE INDEX sessions_user_org ON sessions (user_id, org_id) WHERE revoked_at IS NULL;
