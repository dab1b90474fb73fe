//! SQLite introspection through the table-valued pragma functions (table names are bound, never pasted).

use sqlx::SqlitePool;

use super::{Column, ForeignKey, Index, Schema, Table, derive_keys};

/// Splits a declared type such as `DECIMAL(10, 2)` into its base name and numbers.
fn parse_declared(declared: &str) -> (String, Option<i64>, Option<i64>) {
    let lower = declared.trim().to_lowercase();
    let Some((base, rest)) = lower.split_once('(') else {
        return (lower, None, None);
    };
    let nums: Vec<i64> = rest
        .trim_end_matches(')')
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect();
    (
        base.trim().to_owned(),
        nums.first().copied(),
        nums.get(1).copied(),
    )
}

fn is_text(base: &str) -> bool {
    [
        "char",
        "varchar",
        "nvarchar",
        "nchar",
        "varying character",
        "native character",
        "text",
        "clob",
    ]
    .contains(&base)
}

pub(super) async fn introspect(pool: &SqlitePool) -> Result<Schema, sqlx::Error> {
    let names: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )
    .fetch_all(pool)
    .await?;
    let has_stats: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1')",
    )
    .fetch_one(pool)
    .await?;
    let mut tables = Vec::with_capacity(names.len());
    for (name, kind) in names {
        let info: Vec<(String, String, bool, Option<String>, i64)> =
            sqlx::query_as("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?1) ORDER BY cid")
                .bind(&name)
                .fetch_all(pool)
                .await?;
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
                    data_type: if base.is_empty() {
                        "any".into()
                    } else {
                        base.clone()
                    },
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
        let list: Vec<(String, bool, String)> = sqlx::query_as(
            "SELECT name, \"unique\", origin FROM pragma_index_list(?1) ORDER BY name",
        )
        .bind(&name)
        .fetch_all(pool)
        .await?;
        for (index, unique, origin) in list {
            if origin == "pk" {
                continue;
            }
            let cols: Vec<String> =
                sqlx::query_scalar("SELECT name FROM pragma_index_info(?1) ORDER BY seqno")
                    .bind(&index)
                    .fetch_all(pool)
                    .await?;
            indexes.push(Index {
                name: index,
                columns: cols,
                unique,
                primary: false,
            });
        }
        let fk_rows: Vec<(i64, String, String, Option<String>)> =
            sqlx::query_as("SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?1) ORDER BY id, seq")
                .bind(&name)
                .fetch_all(pool)
                .await?;
        let mut foreign_keys: Vec<ForeignKey> = Vec::new();
        let mut last_id = None;
        for (id, target, from, to) in fk_rows {
            if last_id != Some(id) {
                foreign_keys.push(ForeignKey {
                    name: format!("fk_{name}_{id}"),
                    columns: Vec::new(),
                    referenced_table: target,
                    referenced_columns: Vec::new(),
                });
                last_id = Some(id);
            }
            let fk = foreign_keys.last_mut().expect("pushed above");
            fk.columns.push(from);
            fk.referenced_columns.push(to.unwrap_or_default());
        }
        let rows = if has_stats {
            let stat: Option<String> = sqlx::query_scalar(
                "SELECT stat FROM sqlite_stat1 WHERE tbl = ?1 ORDER BY idx IS NOT NULL LIMIT 1",
            )
            .bind(&name)
            .fetch_optional(pool)
            .await?;
            stat.and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
        } else {
            None
        };
        let data_length: Option<i64> =
            sqlx::query_scalar("SELECT SUM(pgsize) FROM dbstat WHERE name = ?1")
                .bind(&name)
                .fetch_one(pool)
                .await
                .ok()
                .flatten();
        let mut table = Table {
            name,
            kind,
            comment: None,
            engine: None,
            rows,
            data_length,
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
        assert_eq!(
            parse_declared("DECIMAL(10, 2)"),
            ("decimal".into(), Some(10), Some(2))
        );
        assert_eq!(
            parse_declared("varchar(50)"),
            ("varchar".into(), Some(50), None)
        );
        assert_eq!(parse_declared("INTEGER"), ("integer".into(), None, None));
        assert_eq!(parse_declared(""), ("".into(), None, None));
    }
}
