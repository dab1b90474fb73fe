//! MySQL and MariaDB introspection from `information_schema` (strings cast to CHAR: the catalog returns binary).

use std::collections::BTreeMap;

use sqlx::MySqlPool;

use super::{Column, Index, Schema, Table, derive_keys, foreign_keys, group_ordered};

type TableRow = (String, String, Option<String>, Option<String>, Option<i64>, Option<i64>);
type ColumnRow = (
    String,
    String,
    String,
    String,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    String,
    String,
    String,
    Option<String>,
    String,
);

pub(super) async fn introspect(pool: &MySqlPool) -> Result<Schema, sqlx::Error> {
    let tables: Vec<TableRow> = sqlx::query_as(
        "SELECT CAST(TABLE_NAME AS CHAR), CAST(TABLE_TYPE AS CHAR), CAST(TABLE_COMMENT AS CHAR), CAST(ENGINE AS CHAR), \
         CAST(TABLE_ROWS AS SIGNED), CAST(DATA_LENGTH + INDEX_LENGTH AS SIGNED) \
         FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME",
    )
    .fetch_all(pool)
    .await?;
    let columns: Vec<ColumnRow> = sqlx::query_as(
        "SELECT CAST(TABLE_NAME AS CHAR), CAST(COLUMN_NAME AS CHAR), CAST(DATA_TYPE AS CHAR), CAST(COLUMN_TYPE AS CHAR), \
         CAST(CHARACTER_MAXIMUM_LENGTH AS SIGNED), CAST(NUMERIC_PRECISION AS SIGNED), CAST(NUMERIC_SCALE AS SIGNED), \
         CAST(IS_NULLABLE AS CHAR), CAST(COLUMN_KEY AS CHAR), CAST(EXTRA AS CHAR), CAST(COLUMN_DEFAULT AS CHAR), \
         CAST(COLUMN_COMMENT AS CHAR) \
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION",
    )
    .fetch_all(pool)
    .await?;
    let index_rows: Vec<(String, String, (String, i64))> = sqlx::query_as::<_, (String, String, String, i64)>(
        "SELECT CAST(TABLE_NAME AS CHAR), CAST(INDEX_NAME AS CHAR), CAST(COLUMN_NAME AS CHAR), CAST(NON_UNIQUE AS SIGNED) \
         FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|(t, i, c, nu)| (t, i, (c, nu)))
    .collect();
    let fk_rows: Vec<(String, String, (String, String, String))> =
        sqlx::query_as::<_, (String, String, String, String, String)>(
            "SELECT CAST(TABLE_NAME AS CHAR), CAST(CONSTRAINT_NAME AS CHAR), CAST(COLUMN_NAME AS CHAR), \
             CAST(REFERENCED_TABLE_NAME AS CHAR), CAST(REFERENCED_COLUMN_NAME AS CHAR) \
             FROM information_schema.KEY_COLUMN_USAGE \
             WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL \
             ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION",
        )
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|(t, n, c, rt, rc)| (t, n, (c, rt, rc)))
        .collect();

    let mut cols_by_table: BTreeMap<String, Vec<Column>> = BTreeMap::new();
    for (table, name, data_type, column_type, length, precision, scale, nullable, key, extra, default, comment) in
        columns
    {
        cols_by_table.entry(table).or_default().push(Column {
            name,
            data_type: data_type.to_lowercase(),
            full_type: column_type.to_lowercase(),
            length,
            precision,
            scale,
            nullable: nullable == "YES",
            key: (!key.is_empty()).then_some(key),
            extra: (!extra.is_empty()).then(|| extra.to_lowercase()),
            default,
            comment: (!comment.is_empty()).then_some(comment),
        });
    }
    let mut indexes = group_ordered(index_rows);
    let mut fks = group_ordered(fk_rows);
    let tables = tables
        .into_iter()
        .map(|(name, table_type, comment, engine, rows, data_length)| {
            let indexes = indexes
                .remove(&name)
                .unwrap_or_default()
                .into_iter()
                .map(|(index, cols)| Index {
                    primary: index == "PRIMARY",
                    unique: cols.first().is_some_and(|(_, non_unique)| *non_unique == 0),
                    columns: cols.into_iter().map(|(c, _)| c).collect(),
                    name: index,
                })
                .collect();
            let foreign_keys = foreign_keys(fks.remove(&name).unwrap_or_default());
            let mut table = Table {
                kind: if table_type == "VIEW" { "view" } else { "table" }.to_owned(),
                comment: comment.filter(|c| !c.is_empty() && c != "VIEW"),
                engine,
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
