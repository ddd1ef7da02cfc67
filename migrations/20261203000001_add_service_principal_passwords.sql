-- A service principal's password credentials (Graph's addPassword and removePassword), the
-- client secrets it signs in with. One JSON array, as Graph's passwordCredentials is a
-- collection of a complex type and not an entity set: each element is
-- {customKeyIdentifier, displayName, endDateTime, hint, keyId, startDateTime, secretSha256}.
-- Only the SHA-256 of a secret is ever kept; addPassword shows the secret once.
ALTER TABLE service_principals
    ADD COLUMN password_credentials TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(password_credentials) AND json_type(password_credentials) = 'array');
