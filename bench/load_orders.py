#!/usr/bin/env python3
"""Copy the shared `orders` table (../shared/bench/gen_orders.py, SQLite) into PostgreSQL or
MariaDB as SQL text on stdout, for `psql` or `mariadb` to run: the same rows, the same two
indexes. Usage: load_orders.py <bench.db> postgres|mysql | psql …  (or | mariadb …)"""
import sqlite3
import sys

path, dialect = sys.argv[1], sys.argv[2]
text = "VARCHAR(32)"
real = "DOUBLE PRECISION" if dialect == "postgres" else "DOUBLE"
out = sys.stdout
out.write("DROP TABLE IF EXISTS orders;\n")
out.write(f"CREATE TABLE orders (id BIGINT PRIMARY KEY, customer {text} NOT NULL, status {text} NOT NULL,"
          f" amount {real} NOT NULL, created_at {text} NOT NULL, region {text} NOT NULL);\n")
con = sqlite3.connect(path)
batch = []


def flush():
    if batch:
        out.write("INSERT INTO orders VALUES " + ",".join(batch) + ";\n")
        batch.clear()


for row in con.execute("SELECT id, customer, status, amount, created_at, region FROM orders ORDER BY id"):
    # Every value is generated (digits, letters, dashes, ISO dates): nothing to escape,
    # but refuse anything that would need it rather than write it unquoted.
    for v in row[1:]:
        if isinstance(v, str) and ("'" in v or "\\" in v):
            sys.exit(f"unexpected quote in {row!r}")
    batch.append("(%d,'%s','%s',%r,'%s','%s')" % row)
    if len(batch) == 1000:
        flush()
flush()
out.write("CREATE INDEX idx_orders_status_created_at ON orders(status, created_at);\n")
out.write("CREATE INDEX idx_orders_created_at ON orders(created_at);\n")
out.write("ANALYZE orders;\n" if dialect == "postgres" else "ANALYZE TABLE orders;\n")
