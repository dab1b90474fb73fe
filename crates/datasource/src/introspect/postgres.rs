//! PostgreSQL introspection of the current schema from `pg_catalog` and `information_schema`.

use std::collections::BTreeMap;

use sqlx::PgPool;

use super::{Column, ForeignKey, Index, Schema, Table, derive_keys, group_ordered};

type TableRow = (String, String, Option<String>, Option<i64>, Option<i64>);
type ColumnRow = (
    String,
    String,
    String,
    String,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    String,
    Option<String>,
    String,
    Option<String>,
    String,
);

/// PostgreSQL's verbose type names, shortened to what users know them as.
fn base_type(data_type: &str, udt_name: &str) -> String {
    match data_type {
        "character varying" => "varchar".into(),
        "character" => "char".into(),
        "timestamp without time zone" => "timestamp".into(),
        "timestamp with time zone" => "timestamptz".into(),
        "time without time zone" => "time".into(),
        "time with time zone" => "timetz".into(),
        "double precision" => "double".into(),
        "USER-DEFINED" => udt_name.into(),
        "ARRAY" => format!("{}[]", udt_name.trim_start_matches('_')),
        other => other.into(),
    }
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
    let columns: Vec<ColumnRow> = sqlx::query_as(
        "SELECT col.table_name::text, col.column_name::text, col.data_type::text, col.udt_name::text, \
         col.character_maximum_length::bigint, col.numeric_precision::bigint, col.numeric_scale::bigint, \
         col.is_nullable::text, col.column_default::text, col.is_identity::text, \
         col_description(c.oid, a.attnum::int), format_type(a.atttypid, a.atttypmod) \
         FROM information_schema.columns col \
         JOIN pg_namespace n ON n.nspname = col.table_schema \
         JOIN pg_class c ON c.relname = col.table_name AND c.relnamespace = n.oid \
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = col.column_name \
         WHERE col.table_schema = current_schema() ORDER BY col.table_name, col.ordinal_position",
    )
    .fetch_all(pool)
    .await?;
    let index_rows: Vec<(String, String, (String, bool, bool))> = sqlx::query_as::<
        _,
        (String, String, String, bool, bool),
    >(
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
    for (
        table,
        name,
        data_type,
        udt,
        length,
        precision,
        scale,
        nullable,
        default,
        identity,
        comment,
        full,
    ) in columns
    {
        let serial = identity == "YES"
            || default
                .as_deref()
                .is_some_and(|d| d.starts_with("nextval("));
        cols_by_table.entry(table).or_default().push(Column {
            name,
            data_type: base_type(&data_type, &udt),
            full_type: full,
            length,
            precision,
            scale,
            nullable: nullable == "YES",
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
            let foreign_keys = fks
                .remove(&name)
                .unwrap_or_default()
                .into_iter()
                .map(|(fk, cols)| ForeignKey {
                    name: fk,
                    referenced_table: cols.first().map(|c| c.1.clone()).unwrap_or_default(),
                    columns: cols.iter().map(|c| c.0.clone()).collect(),
                    referenced_columns: cols.iter().map(|c| c.2.clone()).collect(),
                })
                .collect();
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
