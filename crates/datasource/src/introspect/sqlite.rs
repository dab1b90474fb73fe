//! SQLite introspection through the table-valued pragma functions (table names are bound, never pasted).

use sqlx::SqlitePool;

use std::collections::HashMap;

use super::{Column, Index, Schema, Table, derive_keys, foreign_keys, group_ordered};

/// Splits a declared type such as `DECIMAL(10, 2)` into its base name and numbers.
fn parse_declared(declared: &str) -> (String, Option<i64>, Option<i64>) {
    let lower = declared.trim().to_lowercase();
    let Some((base, rest)) = lower.split_once('(') else {
        return (lower, None, None);
    };
    let nums: Vec<i64> = rest.trim_end_matches(')').split(',').filter_map(|n| n.trim().parse().ok()).collect();
    (base.trim().to_owned(), nums.first().copied(), nums.get(1).copied())
}

fn is_text(base: &str) -> bool {
    ["char", "varchar", "nvarchar", "nchar", "varying character", "native character", "text", "clob"].contains(&base)
}

/// Only databases up to this size get per-table byte counts: `dbstat` reads every page.
const DBSTAT_LIMIT: i64 = 256 * 1024 * 1024;

type ColumnRow = (String, String, String, bool, Option<String>, i64);
/// `(table, group name, item)`, as `group_ordered` takes them.
type Grouped<T> = (String, String, T);

pub(super) async fn introspect(pool: &SqlitePool) -> Result<Schema, sqlx::Error> {
    // One query per kind of fact for the whole file, joining sqlite_master with the
    // table-valued pragma functions, instead of several queries per table.
    let names: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )
    .fetch_all(pool)
    .await?;
    let column_rows: Vec<ColumnRow> = sqlx::query_as(
        "SELECT m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk FROM sqlite_master m \
         JOIN pragma_table_info(m.name) p WHERE m.type IN ('table', 'view') ORDER BY m.name, p.cid",
    )
    .fetch_all(pool)
    .await?;
    let index_rows: Vec<(String, String, (bool, String, String))> =
        sqlx::query_as::<_, (String, String, bool, String, String)>(
            "SELECT m.name, il.name, il.\"unique\", il.origin, ii.name FROM sqlite_master m \
             JOIN pragma_index_list(m.name) il JOIN pragma_index_info(il.name) ii \
             WHERE m.type = 'table' ORDER BY m.name, il.name, ii.seqno",
        )
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|(t, i, u, o, c)| (t, i, (u, o, c)))
        .collect();
    let fk_rows: Vec<Grouped<(String, String, String)>> =
        sqlx::query_as::<_, (String, i64, String, String, Option<String>)>(
            "SELECT m.name, f.id, f.\"table\", f.\"from\", f.\"to\" FROM sqlite_master m \
             JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq",
        )
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|(t, id, target, from, to)| (t.clone(), format!("fk_{t}_{id}"), (from, target, to.unwrap_or_default())))
        .collect();
    let has_stats: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1')")
        .fetch_one(pool)
        .await?;
    let mut rows_by_table: HashMap<String, i64> = HashMap::new();
    if has_stats {
        let stats: Vec<(String, Option<String>)> =
            sqlx::query_as("SELECT tbl, stat FROM sqlite_stat1 ORDER BY tbl, idx IS NOT NULL").fetch_all(pool).await?;
        for (table, stat) in stats {
            if let Some(n) = stat.and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok())) {
                rows_by_table.entry(table).or_insert(n);
            }
        }
    }
    let size: i64 = sqlx::query_scalar("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")
        .fetch_one(pool)
        .await
        .unwrap_or(i64::MAX);
    let mut bytes_by_table: HashMap<String, i64> = HashMap::new();
    if size <= DBSTAT_LIMIT {
        // `dbstat` exists only when SQLite was built with it; without it there are no byte counts.
        if let Ok(sizes) = sqlx::query_as::<_, (String, i64)>("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")
            .fetch_all(pool)
            .await
        {
            bytes_by_table.extend(sizes);
        }
    }

    let mut columns_by_table = group_ordered(
        column_rows.into_iter().map(|(t, c, ty, nn, d, pk)| (t, String::new(), (c, ty, nn, d, pk))).collect(),
    );
    let mut indexes_by_table = group_ordered(index_rows);
    let mut fks_by_table = group_ordered(fk_rows);

    let mut tables = Vec::with_capacity(names.len());
    for (name, kind) in names {
        let info: Vec<(String, String, bool, Option<String>, i64)> = columns_by_table
            .remove(&name)
            .and_then(|mut groups| groups.pop())
            .map(|(_, cols)| cols)
            .unwrap_or_default();
        let pk_count = info.iter().filter(|c| c.4 > 0).count();
        let mut pk: Vec<(i64, String)> = Vec::new();
        let columns: Vec<Column> = info
            .into_iter()
            .map(|(col, declared, notnull, default, pk_pos)| {
                let (base, a, b) = parse_declared(&declared);
                if pk_pos > 0 {
                    pk.push((pk_pos, col.clone()));
                }
                let rowid_alias = pk_pos > 0 && pk_count == 1 && base == "integer";
                Column {
                    name: col,
                    data_type: if base.is_empty() { "any".into() } else { base.clone() },
                    full_type: declared.to_lowercase(),
                    length: if is_text(&base) { a } else { None },
                    precision: if is_text(&base) { None } else { a },
                    scale: b,
                    nullable: !notnull && !rowid_alias,
                    key: None,
                    extra: rowid_alias.then(|| "auto_increment".to_owned()),
                    default,
                    comment: None,
                }
            })
            .collect();
        pk.sort();
        let mut indexes = Vec::new();
        if !pk.is_empty() {
            indexes.push(Index {
                name: "PRIMARY".into(),
                columns: pk.into_iter().map(|(_, c)| c).collect(),
                unique: true,
                primary: true,
            });
        }
        for (index, cols) in indexes_by_table.remove(&name).unwrap_or_default() {
            // The primary key's own automatic index is already listed as PRIMARY.
            if cols.first().is_some_and(|c| c.1 == "pk") {
                continue;
            }
            let unique = cols.first().is_some_and(|c| c.0);
            indexes.push(Index {
                name: index,
                columns: cols.into_iter().map(|c| c.2).collect(),
                unique,
                primary: false,
            });
        }
        let foreign_keys = foreign_keys(fks_by_table.remove(&name).unwrap_or_default());
        let mut table = Table {
            rows: rows_by_table.get(&name).copied(),
            data_length: bytes_by_table.get(&name).copied(),
            name,
            kind,
            comment: None,
            engine: None,
            columns,
            indexes,
            foreign_keys,
        };
        derive_keys(&mut table);
        tables.push(table);
    }
    Ok(Schema { tables })
}

#[cfg(test)]
mod tests {
    use super::parse_declared;

    #[test]
    fn declared_types() {
        assert_eq!(parse_declared("DECIMAL(10, 2)"), ("decimal".into(), Some(10), Some(2)));
        assert_eq!(parse_declared("varchar(50)"), ("varchar".into(), Some(50), None));
        assert_eq!(parse_declared("INTEGER"), ("integer".into(), None, None));
        assert_eq!(parse_declared(""), ("".into(), None, None));
    }
}
