-- Indexes for listings: the default order (creation time, then id, which is also the
-- keyset-paging position), displayName filters and ordering (ignoring case, as filters
-- compare), and a catalog's packages in default order.

CREATE INDEX access_packages_created ON access_packages (created_date_time, id);
CREATE INDEX access_packages_display_name ON access_packages (display_name COLLATE NOCASE, id);
CREATE INDEX access_packages_catalog_created ON access_packages (catalog_id, created_date_time, id);

CREATE INDEX catalogs_created ON catalogs (created_date_time, id);
CREATE INDEX catalogs_display_name ON catalogs (display_name COLLATE NOCASE, id);
