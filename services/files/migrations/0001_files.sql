-- File metadata; the bytes live in MinIO under object_key. A row is `pending` while its bytes
-- stream to storage and becomes `ready` in the transaction that also queues file.uploaded.
-- Pending rows left by a crash are swept with their objects. Deleting keeps the row (who
-- shared what, and when) and removes the bytes (`purged_at`).
CREATE TABLE files (
    id           uuid        PRIMARY KEY,
    company_id   uuid        NOT NULL,
    office_id    uuid,
    side         text        NOT NULL CHECK (side IN ('office', 'company')),
    uploaded_by  uuid        NOT NULL,
    name         text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 255),
    content_type text        NOT NULL,
    size         bigint      CHECK (size > 0),
    sha256       text        CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    month        text        NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    purpose      text        NOT NULL DEFAULT 'exchange' CHECK (purpose IN ('exchange', 'attachment')),
    thread_id    uuid,
    object_key   text        NOT NULL UNIQUE,
    status       text        NOT NULL CHECK (status IN ('pending', 'ready')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    deleted_at   timestamptz,
    purged_at    timestamptz,
    CHECK (status = 'pending' OR (size IS NOT NULL AND sha256 IS NOT NULL))
);

-- the tabs: one company, one side, newest first (keyset paging on created_at, id)
CREATE INDEX files_by_side ON files (company_id, side, created_at DESC, id DESC)
    WHERE status = 'ready' AND deleted_at IS NULL;
CREATE INDEX files_by_month ON files (company_id, month, created_at DESC, id DESC)
    WHERE status = 'ready' AND deleted_at IS NULL;
CREATE INDEX files_by_thread ON files (thread_id, created_at DESC)
    WHERE thread_id IS NOT NULL AND status = 'ready' AND deleted_at IS NULL;
-- the sweeper: abandoned uploads, and deleted files whose bytes are still stored
CREATE INDEX files_pending ON files (created_at) WHERE status = 'pending';
CREATE INDEX files_unpurged ON files (deleted_at) WHERE deleted_at IS NOT NULL AND purged_at IS NULL;
