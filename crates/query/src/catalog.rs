//! What the compiler knows of a database: tables, columns, their type families and indexes.

use serde::{Deserialize, Serialize};

/// How values of a column are bound and compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TypeFamily {
    Integer,
    Decimal,
    Float,
    Boolean,
    Text,
    Date,
    Time,
    Timestamp,
    TimestampTz,
    Uuid,
    Json,
    Binary,
    Other,
}

impl TypeFamily {
    /// The family of a catalog type name (`int`, `varchar`, `numeric`, `timestamptz`…).
    pub fn of(data_type: &str) -> TypeFamily {
        let t = data_type.to_lowercase();
        let t = t.split('(').next().unwrap_or("").trim();
        match t {
            "tinyint" | "smallint" | "mediumint" | "int" | "integer" | "bigint" | "int2" | "int4" | "int8"
            | "serial" | "bigserial" | "year" | "bit" => TypeFamily::Integer,
            "decimal" | "numeric" | "money" => TypeFamily::Decimal,
            "float" | "double" | "real" | "double precision" | "float4" | "float8" => TypeFamily::Float,
            "boolean" | "bool" => TypeFamily::Boolean,
            "date" => TypeFamily::Date,
            "time" | "timetz" => TypeFamily::Time,
            "datetime" | "timestamp" => TypeFamily::Timestamp,
            "timestamptz" => TypeFamily::TimestampTz,
            "uuid" => TypeFamily::Uuid,
            "json" | "jsonb" => TypeFamily::Json,
            "blob" | "tinyblob" | "mediumblob" | "longblob" | "binary" | "varbinary" | "bytea" => TypeFamily::Binary,
            "char" | "varchar" | "text" | "tinytext" | "mediumtext" | "longtext" | "enum" | "set" | "clob"
            | "nchar" | "nvarchar" | "citext" | "name" | "character" | "character varying" | "bpchar" => {
                TypeFamily::Text
            }
            _ => TypeFamily::Other,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CatalogColumn {
    pub name: String,
    pub family: TypeFamily,
    pub nullable: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CatalogTable {
    pub name: String,
    pub columns: Vec<CatalogColumn>,
    /// Each index as its ordered column names.
    pub indexes: Vec<Vec<String>>,
    /// Estimated rows.
    pub rows: Option<i64>,
    /// The primary key's columns in key order; empty when the table has none (or is a view).
    #[serde(default)]
    pub primary_key: Vec<String>,
}

impl CatalogTable {
    pub fn column(&self, name: &str) -> Option<&CatalogColumn> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Whether some index starts with `column`, so filters and sorts on it can use the index.
    pub fn leads_index(&self, column: &str) -> bool {
        self.indexes.iter().any(|i| i.first().is_some_and(|c| c == column))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    pub tables: Vec<CatalogTable>,
}

impl Catalog {
    pub fn table(&self, name: &str) -> Option<&CatalogTable> {
        self.tables.iter().find(|t| t.name == name)
    }
}
