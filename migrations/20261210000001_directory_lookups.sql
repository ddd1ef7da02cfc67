-- What the Azure CLI and the kiota SDKs look directory objects up by: a service
-- principal's servicePrincipalNames (its appId first, then its application's identifier
-- URIs), a user's identities (the principal name it signs in with), and applications,
-- whose appId a service principal is made for and whose secrets sign in.

ALTER TABLE service_principals
    ADD COLUMN service_principal_names TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(service_principal_names) AND json_type(service_principal_names) = 'array');
UPDATE service_principals SET service_principal_names = json_array(app_id);

ALTER TABLE users
    ADD COLUMN identities TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(identities) AND json_type(identities) = 'array');
UPDATE users SET identities = json_array(json_object(
    'signInType', 'userPrincipalName',
    'issuer', CASE instr(user_principal_name, '@') WHEN 0 THEN ''
              ELSE substr(user_principal_name, instr(user_principal_name, '@') + 1) END,
    'issuerAssignedId', user_principal_name));

CREATE TABLE applications (
    id                   TEXT PRIMARY KEY NOT NULL,
    app_id               TEXT NOT NULL,
    display_name         TEXT NOT NULL,
    description          TEXT,
    sign_in_audience     TEXT NOT NULL,
    identifier_uris      TEXT NOT NULL
        CHECK (json_valid(identifier_uris) AND json_type(identifier_uris) = 'array'),
    app_roles            TEXT NOT NULL CHECK (json_valid(app_roles)),
    password_credentials TEXT NOT NULL DEFAULT '[]'
        CHECK (json_valid(password_credentials) AND json_type(password_credentials) = 'array'),
    created_date_time    TEXT NOT NULL
) STRICT;

CREATE UNIQUE INDEX applications_app_id ON applications (app_id);
CREATE INDEX applications_created ON applications (created_date_time, id);
CREATE INDEX applications_display_name ON applications (display_name COLLATE NOCASE, id);
