-- The key the emulator signs its tokens with, when no key file is configured: one for the
-- whole database, so that a token one replica signs verifies on every other. It belongs to
-- no tenant (sign-in serves them all with one key, as a SQLite file's process does), so it
-- lives apart from the tenants' tables in `stored`, which mirror SQLite's.
CREATE SCHEMA shared;
CREATE TABLE shared.signing_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    pem TEXT NOT NULL
);
