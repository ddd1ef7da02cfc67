-- Connected organizations: other organizations whose users may ask for access, and
-- their sponsors, users or groups of this directory kept by reference in `links`
-- (relations internalSponsors, externalSponsors).
CREATE TABLE connected_organizations (
    id                 TEXT PRIMARY KEY NOT NULL,
    display_name       TEXT NOT NULL,
    description        TEXT,
    -- Typed identity sources, each with its @odata.type (model::connected_organization).
    identity_sources   TEXT NOT NULL CHECK (json_valid(identity_sources)),
    state              TEXT NOT NULL
        CHECK (state IN ('configured', 'proposed', 'unknownFutureValue')),
    created_by         TEXT,
    created_date_time  TEXT NOT NULL,
    modified_by        TEXT,
    modified_date_time TEXT NOT NULL
) STRICT;

-- Clients find their organization by name ($filter=displayName eq '…').
CREATE INDEX connected_organizations_display_name
    ON connected_organizations (display_name COLLATE NOCASE);

-- A link goes when either end does: the organization, or a sponsor (a group's links go
-- already, by groups_unlink).
CREATE TRIGGER connected_organizations_unlink AFTER DELETE ON connected_organizations
BEGIN DELETE FROM links WHERE source_id = old.id OR target_id = old.id; END;

CREATE TRIGGER users_unlink AFTER DELETE ON users
BEGIN DELETE FROM links WHERE source_id = old.id OR target_id = old.id; END;
