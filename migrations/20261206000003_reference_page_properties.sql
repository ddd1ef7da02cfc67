-- What Microsoft's reference pages show in their example responses and the emulator left
-- out: a subject's onPremisesSecurityIdentifier (both versions), and beta's
-- connectedOrganizationId and altSecId; the built-in role definitions' names and
-- descriptions as Graph writes them (rbacapplication-list-roledefinitions, v1.0 example 2:
-- the description is the name; the portal's longer names are not the API's).
ALTER TABLE subjects ADD COLUMN on_premises_security_identifier TEXT;
ALTER TABLE subjects ADD COLUMN connected_organization_id TEXT;
ALTER TABLE subjects ADD COLUMN alt_sec_id TEXT;

UPDATE role_definitions SET display_name = 'AccessPackage assignment manager', description = 'AccessPackage assignment manager'
WHERE id = 'e2182095-804a-4656-ae11-64734e9b7ae5';
UPDATE role_definitions SET display_name = 'AccessPackages manager', description = 'AccessPackages manager'
WHERE id = '7f480852-ebdc-47d4-87de-0d8498384a83';
UPDATE role_definitions SET description = display_name
WHERE id IN ('ba92d953-d8e0-4e39-a797-0cbedb0a89e8', 'ae79f266-94d4-4dab-b730-feca7e132178',
             '44272f93-9762-48e8-af59-1b5351b1d6b3');
