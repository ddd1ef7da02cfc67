-- A tenant deleted (DELETE /_emulator/tenants/{id}): every row it holds, in an order the
-- foreign keys allow; 1 if it had any. A table goes before every table it references: its
-- depth is the longest chain of tables referencing it, and the shallowest go first. Under
-- the tenant's lock, as every write of the tenant is, so a replica writing meanwhile waits,
-- then finds the tenant's clock gone (503) until the tenant is made again.
CREATE FUNCTION stored.forget_tenant(gone TEXT) RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
    t REGCLASS;
    kept BOOLEAN;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext(gone));
    SELECT EXISTS (SELECT 1 FROM stored.emulator_clock WHERE tenant = gone) INTO kept;
    FOR t IN
        WITH RECURSIVE depth (tbl, d) AS (
            SELECT c.oid::regclass, 0
            FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
            WHERE n.nspname = 'stored' AND c.relkind = 'r'
              AND EXISTS (SELECT 1 FROM pg_attribute AS a
                          WHERE a.attrelid = c.oid AND a.attname = 'tenant' AND NOT a.attisdropped)
          UNION ALL
            SELECT k.confrelid::regclass, depth.d + 1
            FROM depth JOIN pg_constraint AS k
              ON k.conrelid = depth.tbl AND k.contype = 'f' AND k.confrelid <> k.conrelid
            -- No chain is this long; a cycle of foreign keys added one day stops here.
            WHERE depth.d < 64
        )
        SELECT tbl FROM depth GROUP BY tbl ORDER BY max(d), tbl::text
    LOOP
        EXECUTE format('DELETE FROM %s WHERE tenant = $1', t) USING gone;
    END LOOP;
    RETURN kept::int;
END $$;
