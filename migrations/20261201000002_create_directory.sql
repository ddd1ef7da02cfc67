-- A small directory: the users, groups and service principals Entitlement Management
-- names, and group membership (members and owners). `managed` marks a membership that an
-- access package assignment made (and may take away again).

CREATE TABLE users (
    id                  TEXT PRIMARY KEY NOT NULL,
    account_enabled     INTEGER NOT NULL CHECK (account_enabled IN (0, 1)),
    display_name        TEXT NOT NULL,
    mail_nickname       TEXT NOT NULL,
    user_principal_name TEXT NOT NULL,
    mail                TEXT,
    given_name          TEXT,
    surname             TEXT,
    job_title           TEXT,
    department          TEXT,
    user_type           TEXT NOT NULL,
    created_date_time   TEXT NOT NULL
) STRICT;

-- The directory refuses a second user with the same sign-in name, ignoring case.
CREATE UNIQUE INDEX users_user_principal_name ON users (user_principal_name COLLATE NOCASE);
CREATE INDEX users_created ON users (created_date_time, id);
CREATE INDEX users_display_name ON users (display_name COLLATE NOCASE, id);

CREATE TABLE groups (
    id                TEXT PRIMARY KEY NOT NULL,
    display_name      TEXT NOT NULL,
    description       TEXT,
    mail_enabled      INTEGER NOT NULL CHECK (mail_enabled IN (0, 1)),
    mail_nickname     TEXT NOT NULL,
    security_enabled  INTEGER NOT NULL CHECK (security_enabled IN (0, 1)),
    group_types       TEXT NOT NULL CHECK (json_valid(group_types)),
    mail              TEXT,
    visibility        TEXT,
    created_date_time TEXT NOT NULL
) STRICT;

CREATE INDEX groups_created ON groups (created_date_time, id);
CREATE INDEX groups_display_name ON groups (display_name COLLATE NOCASE, id);

CREATE TABLE service_principals (
    id                     TEXT PRIMARY KEY NOT NULL,
    app_id                 TEXT NOT NULL,
    display_name           TEXT,
    account_enabled        INTEGER NOT NULL CHECK (account_enabled IN (0, 1)),
    service_principal_type TEXT NOT NULL,
    app_roles              TEXT NOT NULL CHECK (json_valid(app_roles)),
    created_date_time      TEXT NOT NULL
) STRICT;

CREATE UNIQUE INDEX service_principals_app_id ON service_principals (app_id);
CREATE INDEX service_principals_created ON service_principals (created_date_time, id);

CREATE TABLE group_members (
    group_id    TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    relation    TEXT NOT NULL CHECK (relation IN ('members', 'owners')),
    member_id   TEXT NOT NULL,
    member_type TEXT NOT NULL CHECK (member_type IN ('users', 'groups', 'service_principals')),
    managed     INTEGER NOT NULL DEFAULT 0 CHECK (managed IN (0, 1)),
    added       INTEGER NOT NULL,
    PRIMARY KEY (group_id, relation, member_id)
) STRICT;

CREATE INDEX group_members_member ON group_members (member_id);

-- A directory object that goes leaves every group it was in.
CREATE TRIGGER users_leave_groups AFTER DELETE ON users
BEGIN DELETE FROM group_members WHERE member_id = old.id; END;
CREATE TRIGGER groups_leave_groups AFTER DELETE ON groups
BEGIN DELETE FROM group_members WHERE member_id = old.id; END;
CREATE TRIGGER service_principals_leave_groups AFTER DELETE ON service_principals
BEGIN DELETE FROM group_members WHERE member_id = old.id; END;
