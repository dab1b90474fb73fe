//! PostgreSQL introspection of the current schema from `pg_catalog` and `information_schema`.

use std::collections::BTreeMap;

use sqlx::PgPool;

use super::{Column, Index, Schema, Table, derive_keys, foreign_keys, group_ordered};

type TableRow = (String, String, Option<String>, Option<i64>, Option<i64>);
type ColumnRow =
    (String, String, String, Option<i64>, Option<i64>, Option<i64>, bool, Option<String>, bool, Option<String>, String);

/// The catalog's internal type names, as users know them (`int4` is `integer`).
fn base_type(typname: &str) -> String {
    if let Some(element) = typname.strip_prefix('_') {
        return format!("{}[]", base_type(element));
    }
    match typname {
        "int2" => "smallint",
        "int4" => "integer",
        "int8" => "bigint",
        "float4" => "real",
        "float8" => "double",
        "bool" => "boolean",
        "bpchar" => "char",
        other => other,
    }
    .to_owned()
}

pub(super) async fn introspect(pool: &PgPool) -> Result<Schema, sqlx::Error> {
    let tables: Vec<TableRow> = sqlx::query_as(
        "SELECT c.relname::text, CASE WHEN c.relkind IN ('v', 'm') THEN 'view' ELSE 'table' END, \
         obj_description(c.oid, 'pg_class'), \
         CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint ELSE s.n_live_tup END, \
         pg_total_relation_size(c.oid) \
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid \
         WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm') ORDER BY c.relname",
    )
    .fetch_all(pool)
    .await?;
    // pg_attribute rather than information_schema.columns: the same facts, several times faster.
    let columns: Vec<ColumnRow> = sqlx::query_as(
        "SELECT c.relname::text, a.attname::text, t.typname::text, \
         CASE WHEN a.atttypid IN (1042, 1043) AND a.atttypmod > 0 THEN a.atttypmod - 4 END::bigint, \
         CASE WHEN a.atttypid = 1700 AND a.atttypmod > 0 THEN ((a.atttypmod - 4) >> 16) & 65535 END::bigint, \
         CASE WHEN a.atttypid = 1700 AND a.atttypmod > 0 THEN (a.atttypmod - 4) & 65535 END::bigint, \
         NOT a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity <> '', \
         col_description(c.oid, a.attnum), format_type(a.atttypid, a.atttypmod) \
         FROM pg_attribute a \
         JOIN pg_class c ON c.oid = a.attrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         JOIN pg_type t ON t.oid = a.atttypid \
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
         WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm') AND a.attnum > 0 AND NOT a.attisdropped \
         ORDER BY c.relname, a.attnum",
    )
    .fetch_all(pool)
    .await?;
    let index_rows: Vec<(String, String, (String, bool, bool))> =
        sqlx::query_as::<_, (String, String, String, bool, bool)>(
            "SELECT t.relname::text, i.relname::text, a.attname::text, ix.indisunique, ix.indisprimary \
             FROM pg_index ix \
             JOIN pg_class t ON t.oid = ix.indrelid \
             JOIN pg_class i ON i.oid = ix.indexrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace \
             CROSS JOIN LATERAL unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) \
             JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
             WHERE n.nspname = current_schema() ORDER BY t.relname, i.relname, k.ord",
        )
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|(t, i, c, u, p)| (t, i, (c, u, p)))
        .collect();
    let fk_rows: Vec<(String, String, (String, String, String))> =
        sqlx::query_as::<_, (String, String, String, String, String)>(
            "SELECT t.relname::text, con.conname::text, a.attname::text, rt.relname::text, ra.attname::text \
             FROM pg_constraint con \
             JOIN pg_class t ON t.oid = con.conrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace \
             JOIN pg_class rt ON rt.oid = con.confrelid \
             CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, rattnum, ord) \
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum \
             JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.rattnum \
             WHERE con.contype = 'f' AND n.nspname = current_schema() ORDER BY t.relname, con.conname, k.ord",
        )
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|(t, n, c, rt, rc)| (t, n, (c, rt, rc)))
        .collect();

    let mut cols_by_table: BTreeMap<String, Vec<Column>> = BTreeMap::new();
    for (table, name, typname, length, precision, scale, nullable, default, identity, comment, full) in columns {
        let serial = identity || default.as_deref().is_some_and(|d| d.starts_with("nextval("));
        cols_by_table.entry(table).or_default().push(Column {
            name,
            data_type: base_type(&typname),
            full_type: full,
            length,
            precision,
            scale,
            nullable,
            key: None,
            extra: serial.then(|| "auto_increment".to_owned()),
            default,
            comment,
        });
    }
    let mut indexes = group_ordered(index_rows);
    let mut fks = group_ordered(fk_rows);
    let tables = tables
        .into_iter()
        .map(|(name, kind, comment, rows, data_length)| {
            let indexes = indexes
                .remove(&name)
                .unwrap_or_default()
                .into_iter()
                .map(|(index, cols)| Index {
                    unique: cols.first().is_some_and(|c| c.1),
                    primary: cols.first().is_some_and(|c| c.2),
                    columns: cols.into_iter().map(|c| c.0).collect(),
                    name: index,
                })
                .collect();
            let foreign_keys = foreign_keys(fks.remove(&name).unwrap_or_default());
            let mut table = Table {
                kind,
                comment,
                engine: None,
                rows,
                data_length,
                columns: cols_by_table.remove(&name).unwrap_or_default(),
                indexes,
                foreign_keys,
                name,
            };
            derive_keys(&mut table);
            table
        })
        .collect();
    Ok(Schema { tables })
}
