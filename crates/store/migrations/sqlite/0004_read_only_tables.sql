-- Tables of a datasource that the gateway must not write to (a JSON array of table names).
ALTER TABLE datasources ADD COLUMN read_only_tables TEXT NOT NULL DEFAULT '[]';
