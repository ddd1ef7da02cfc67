-- Assignment policies: who may get an access package, with what approval, for how long.
-- Stored in v1.0's shape (model/assignment_policy); complex values are JSON text. A policy
-- belongs to its package (deleted with it) and is in the package's catalog.

CREATE TABLE assignment_policies (
    id                         TEXT PRIMARY KEY NOT NULL,
    access_package_id          TEXT NOT NULL REFERENCES access_packages (id),
    catalog_id                 TEXT NOT NULL REFERENCES catalogs (id),
    display_name               TEXT NOT NULL,
    description                TEXT,
    can_extend                 INTEGER NOT NULL CHECK (can_extend IN (0, 1)),
    -- As a client set it (Terraform compares it verbatim).
    expiration_date_time       TEXT,
    -- ISO 8601 (P30D); beta's durationInDays is its days.
    expiration_duration        TEXT,
    expiration_type            TEXT NOT NULL,
    allowed_target_scope       TEXT NOT NULL,
    specific_allowed_targets   TEXT NOT NULL CHECK (json_valid(specific_allowed_targets)),
    accept_requests            INTEGER NOT NULL CHECK (accept_requests IN (0, 1)),
    requestor_settings         TEXT NOT NULL CHECK (json_valid(requestor_settings)),
    request_approval_settings  TEXT NOT NULL CHECK (json_valid(request_approval_settings)),
    review_settings            TEXT CHECK (json_valid(review_settings)),
    automatic_request_settings TEXT CHECK (json_valid(automatic_request_settings)),
    notification_settings      TEXT CHECK (json_valid(notification_settings)),
    questions                  TEXT NOT NULL CHECK (json_valid(questions)),
    created_by                 TEXT,
    created_date_time          TEXT NOT NULL,
    modified_by                TEXT,
    modified_date_time         TEXT NOT NULL
) STRICT;

-- A package's policies in creation order (navigation, $expand, cascade, $filter on it).
CREATE INDEX assignment_policies_package ON assignment_policies (access_package_id, created_date_time, id);
CREATE INDEX assignment_policies_created ON assignment_policies (created_date_time, id);
CREATE INDEX assignment_policies_display_name ON assignment_policies (display_name COLLATE NOCASE, id);
