-- Resource environments (model::resource_environment): where an onboarded resource lives;
-- for a SharePoint Online site, its tenant's SharePoint. Made by onboarding, one per
-- origin, kept when its resources go (Graph's are the tenant's, not a catalog's).
CREATE TABLE access_package_resource_environments (
    id                     TEXT PRIMARY KEY NOT NULL,
    origin_system          TEXT NOT NULL,
    origin_id              TEXT NOT NULL,
    display_name           TEXT NOT NULL,
    description            TEXT,
    is_default_environment INTEGER NOT NULL DEFAULT 0 CHECK (is_default_environment IN (0, 1)),
    connection_info        TEXT CHECK (connection_info IS NULL OR json_valid(connection_info)),
    created_by             TEXT,
    created_date_time      TEXT NOT NULL,
    modified_by            TEXT,
    modified_date_time     TEXT NOT NULL
) STRICT;

CREATE UNIQUE INDEX access_package_resource_environments_origin
    ON access_package_resource_environments (origin_system, origin_id);
CREATE INDEX access_package_resource_environments_created
    ON access_package_resource_environments (created_date_time, id);

ALTER TABLE access_package_resources ADD COLUMN environment_id TEXT
    REFERENCES access_package_resource_environments (id);
CREATE INDEX access_package_resources_environment ON access_package_resources (environment_id);
