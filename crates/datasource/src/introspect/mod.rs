//! Schema introspection: tables, columns, indexes and foreign keys, from each dialect's catalog.
//!
//! MySQL and PostgreSQL are read with a handful of catalog queries for the
//! whole schema (not one per table), so hundreds of tables take milliseconds.
//! Row counts are the catalog's estimates, never a `COUNT(*)`.

mod mysql;
mod postgres;
mod sqlite;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::Pool;
use crate::connect::{ConnectError, classify};

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Schema {
    pub tables: Vec<Table>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Table {
    pub name: String,
    /// `table` or `view`.
    pub kind: String,
    pub comment: Option<String>,
    pub engine: Option<String>,
    /// Estimated rows, from the catalog.
    pub rows: Option<i64>,
    /// Bytes of data (and indexes, where the catalog only knows both).
    pub data_length: Option<i64>,
    pub columns: Vec<Column>,
    pub indexes: Vec<Index>,
    pub foreign_keys: Vec<ForeignKey>,
}

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Column {
    pub name: String,
    /// The base type in lower case (`int`, `varchar`, `numeric`, `timestamp`…).
    #[serde(rename = "type")]
    pub data_type: String,
    /// The full declared type (`varchar(50)`, `decimal(12,2)`, `int unsigned`).
    pub full_type: String,
    /// Character length for text types.
    pub length: Option<i64>,
    pub precision: Option<i64>,
    pub scale: Option<i64>,
    pub nullable: bool,
    /// `PRI`, `UNI` or `MUL`, as MySQL reports them.
    pub key: Option<String>,
    /// `auto_increment` and similar.
    pub extra: Option<String>,
    pub default: Option<String>,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Index {
    pub name: String,
    pub columns: Vec<String>,
    pub unique: bool,
    pub primary: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ForeignKey {
    pub name: String,
    pub columns: Vec<String>,
    pub referenced_table: String,
    pub referenced_columns: Vec<String>,
}

impl Schema {
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }
}

impl Pool {
    /// Reads the schema of the connected database.
    pub async fn introspect(&self) -> Result<Schema, ConnectError> {
        let kind = self.kind();
        let result = match self {
            Pool::MySql(p) => mysql::introspect(p).await,
            Pool::Postgres(p) => postgres::introspect(p).await,
            Pool::Sqlite(p) => sqlite::introspect(p).await,
        };
        let mut schema = result.map_err(|e| classify(kind, &e))?;
        // Catalog order follows each server's collation; byte order is the same everywhere.
        schema.tables.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(schema)
    }
}

/// Fills each column's `key` from the indexes: PRI for primary-key columns, UNI for
/// single-column unique indexes, MUL for the first column of other indexes.
pub(crate) fn derive_keys(table: &mut Table) {
    let mut keys: BTreeMap<&str, &'static str> = BTreeMap::new();
    for idx in &table.indexes {
        if idx.primary {
            for c in &idx.columns {
                keys.insert(c, "PRI");
            }
        }
    }
    for idx in &table.indexes {
        let Some(first) = idx.columns.first() else {
            continue;
        };
        let key = if idx.unique && idx.columns.len() == 1 { "UNI" } else { "MUL" };
        keys.entry(first).or_insert(key);
    }
    let keys: BTreeMap<String, &str> = keys.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    for col in &mut table.columns {
        if col.key.is_none() {
            col.key = keys.get(&col.name).map(|k| (*k).to_owned());
        }
    }
}

/// One column of a foreign key: `(column, referenced table, referenced column)`.
pub(crate) type FkColumn = (String, String, String);

/// Foreign keys from grouped `(column, referenced table, referenced column)` rows.
pub(crate) fn foreign_keys(groups: Vec<(String, Vec<FkColumn>)>) -> Vec<ForeignKey> {
    groups
        .into_iter()
        .map(|(name, cols)| ForeignKey {
            name,
            referenced_table: cols.first().map(|c| c.1.clone()).unwrap_or_default(),
            columns: cols.iter().map(|c| c.0.clone()).collect(),
            referenced_columns: cols.iter().map(|c| c.2.clone()).collect(),
        })
        .collect()
}

/// Groups `(table, name, column)` rows, already ordered, into per-table lists of named column lists.
pub(crate) fn group_ordered<T>(rows: Vec<(String, String, T)>) -> BTreeMap<String, Vec<(String, Vec<T>)>> {
    let mut out: BTreeMap<String, Vec<(String, Vec<T>)>> = BTreeMap::new();
    for (table, name, item) in rows {
        let list = out.entry(table).or_default();
        match list.last_mut() {
            Some((last, items)) if *last == name => items.push(item),
            _ => list.push((name, vec![item])),
        }
    }
    out
}

impl Schema {
    /// What the query compiler needs to know of this schema.
    pub fn catalog(&self) -> query::Catalog {
        query::Catalog {
            tables: self
                .tables
                .iter()
                .map(|t| query::CatalogTable {
                    name: t.name.clone(),
                    columns: t
                        .columns
                        .iter()
                        .map(|c| query::CatalogColumn {
                            name: c.name.clone(),
                            family: query::TypeFamily::of(&c.data_type),
                            nullable: c.nullable,
                        })
                        .collect(),
                    indexes: t.indexes.iter().map(|i| i.columns.clone()).collect(),
                    rows: t.rows,
                    primary_key: t.indexes.iter().find(|i| i.primary).map(|i| i.columns.clone()).unwrap_or_default(),
                })
                .collect(),
        }
    }
}
