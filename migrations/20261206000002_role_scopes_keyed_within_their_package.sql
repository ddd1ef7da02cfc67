-- A role scope's id, `{roleId}_{scopeId}`, is unique within its access package only (it is
-- contained in the package): one group's Member role may be granted by any number of
-- packages. The store keys each row `{accessPackageId}/{roleId}_{scopeId}`; clients see the
-- part after the `/` (model::EntityType::keyed_within). No row changes packages, and no
-- other table refers to a role scope's id.
UPDATE role_scopes SET id = access_package_id || '/' || id WHERE instr(id, '/') = 0;
