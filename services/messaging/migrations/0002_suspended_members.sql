-- auth's user.membership.changed says when an administrator suspended a membership: such a
-- member gets no e-mails about the organisation until the suspension is lifted.
ALTER TABLE members ADD COLUMN suspended boolean NOT NULL DEFAULT false;
