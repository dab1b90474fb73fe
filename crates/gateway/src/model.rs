//! Models of a module: each introspected table becomes a model named by the lowerCamelCase of
//! its name, each column a lowerCamelCase field typed by one of Oinone's scalars.

use std::collections::HashMap;

use datasource::{Kind, Schema};
use query::TypeFamily;

/// Oinone's scalars, as the real server registers them (`docs/oinone-protocol.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar {
    Short,
    Int,
    /// 64-bit integers; travel as strings.
    Long,
    /// Exact decimals and wider integers; travel as strings in plain notation.
    BigDecimal,
    Money,
    Float,
    Boolean,
    String,
    Date,
    Map,
}

impl Scalar {
    /// The GraphQL type name.
    pub fn type_name(self) -> &'static str {
        match self {
            Scalar::Short => "Short",
            Scalar::Int => "Int",
            Scalar::Long => "Long",
            Scalar::BigDecimal => "BigDecimal",
            Scalar::Money => "Money",
            Scalar::Float => "Float",
            Scalar::Boolean => "Boolean",
            Scalar::String => "String",
            Scalar::Date => "Date",
            Scalar::Map => "Map",
        }
    }

    /// Whether values travel as JSON strings (precision beyond a double's 53 bits).
    pub fn as_string(self) -> bool {
        matches!(self, Scalar::Long | Scalar::BigDecimal | Scalar::Money)
    }

    /// The scalar of a column, from its declared type. Integer widths follow Oinone's table:
    /// up to 16 bits `Short`, 32 bits `Int`, 64 bits `Long` (SQLite integers are 64-bit, so
    /// `INTEGER` there is `Long`); exact decimals are `BigDecimal` (never a lossy double).
    pub fn of(kind: Kind, data_type: &str, full_type: &str) -> Scalar {
        let t = data_type.to_ascii_lowercase();
        let full = full_type.to_ascii_lowercase();
        let unsigned = full.contains("unsigned");
        if matches!(t.as_str(), "boolean" | "bool") || (kind == Kind::Mysql && full.starts_with("tinyint(1)")) {
            return Scalar::Boolean;
        }
        if t == "money" {
            return Scalar::Money;
        }
        match TypeFamily::of(&t) {
            TypeFamily::Integer => match (kind, t.as_str()) {
                (_, "tinyint" | "smallint" | "int2") if !unsigned || t == "tinyint" => Scalar::Short,
                (_, "smallint") => Scalar::Int,
                (_, "bigint" | "int8" | "bigserial") if unsigned => Scalar::BigDecimal,
                (Kind::Sqlite, _) => Scalar::Long,
                (_, "mediumint" | "int" | "integer" | "int4" | "serial" | "year") if !unsigned => Scalar::Int,
                _ => Scalar::Long,
            },
            TypeFamily::Decimal => Scalar::BigDecimal,
            TypeFamily::Float => Scalar::Float,
            TypeFamily::Boolean => Scalar::Boolean,
            TypeFamily::Date | TypeFamily::Time | TypeFamily::Timestamp | TypeFamily::TimestampTz => Scalar::Date,
            TypeFamily::Json => Scalar::Map,
            _ => Scalar::String,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Field {
    /// lowerCamelCase GraphQL name.
    pub name: String,
    /// The storage column.
    pub column: String,
    pub scalar: Scalar,
    pub nullable: bool,
}

#[derive(Debug, Clone)]
pub struct Model {
    /// lowerCamelCase (`testModel`): the root fields are `{name}Query` and `{name}Mutation`.
    pub name: String,
    /// Capitalised (`TestModel`): the output type and the prefix of the generated types.
    pub type_name: String,
    pub table: String,
    pub fields: Vec<Field>,
    /// Indexes into `fields` of the primary key.
    pub primary_key: Vec<usize>,
}

impl Model {
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// A field by its GraphQL name or, as Oinone also allows, its storage column.
    pub fn field_or_column(&self, name: &str) -> Option<&Field> {
        self.field(name).or_else(|| self.fields.iter().find(|f| f.column == name))
    }
}

/// All models of one datasource (one Oinone module).
#[derive(Debug, Clone, Default)]
pub struct Module {
    pub models: Vec<Model>,
    /// Tables left out, with why (a name clash, no usable name, no columns).
    pub skipped: Vec<(String, String)>,
}

/// `test_model` → `testModel`; `Order Items` → `orderItems`; anything outside
/// `[_A-Za-z0-9]` separates words. `None` when nothing usable is left.
pub fn lower_camel(name: &str) -> Option<String> {
    let mut out = String::new();
    for (i, word) in name.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).enumerate() {
        let mut chars = word.chars();
        let first = chars.next()?;
        if i == 0 {
            out.push(first.to_ascii_lowercase());
        } else {
            out.push(first.to_ascii_uppercase());
        }
        out.extend(chars);
    }
    match out.chars().next() {
        None => None,
        Some(c) if c.is_ascii_digit() => Some(format!("_{out}")),
        Some(_) => Some(out),
    }
}

/// `testModel` → `TestModel`.
pub fn capitalised(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) => c.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

impl Module {
    /// Builds the models of an introspected schema.
    pub fn from_schema(kind: Kind, schema: &Schema) -> Module {
        let mut module = Module::default();
        let mut taken: HashMap<String, String> = HashMap::new();
        for t in &schema.tables {
            let Some(name) = lower_camel(&t.name) else {
                module.skipped.push((t.name.clone(), "no usable GraphQL name".into()));
                continue;
            };
            if let Some(other) = taken.get(&name) {
                module.skipped.push((t.name.clone(), format!("its model name {name:?} is taken by table {other:?}")));
                continue;
            }
            let mut fields: Vec<Field> = Vec::new();
            for c in &t.columns {
                let Some(field) = lower_camel(&c.name) else { continue };
                if fields.iter().any(|f| f.name == field) {
                    continue;
                }
                fields.push(Field {
                    name: field,
                    column: c.name.clone(),
                    scalar: Scalar::of(kind, &c.data_type, &c.full_type),
                    nullable: c.nullable,
                });
            }
            if fields.is_empty() {
                module.skipped.push((t.name.clone(), "no columns with usable names".into()));
                continue;
            }
            let primary: Vec<String> =
                t.indexes.iter().find(|i| i.primary).map(|i| i.columns.clone()).unwrap_or_default();
            let primary_key = primary.iter().filter_map(|c| fields.iter().position(|f| &f.column == c)).collect();
            taken.insert(name.clone(), t.name.clone());
            module.models.push(Model {
                type_name: capitalised(&name),
                name,
                table: t.name.clone(),
                fields,
                primary_key,
            });
        }
        module
    }

    pub fn model(&self, name: &str) -> Option<&Model> {
        self.models.iter().find(|m| m.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_oinone() {
        assert_eq!(lower_camel("test_model").as_deref(), Some("testModel"));
        assert_eq!(lower_camel("User").as_deref(), Some("user"));
        assert_eq!(lower_camel("created_at").as_deref(), Some("createdAt"));
        assert_eq!(lower_camel("order items").as_deref(), Some("orderItems"));
        assert_eq!(lower_camel("2fa_codes").as_deref(), Some("_2faCodes"));
        assert_eq!(lower_camel("___").as_deref(), None);
        assert_eq!(lower_camel("名前"), None);
        assert_eq!(capitalised("testModel"), "TestModel");
    }

    #[test]
    fn scalars_follow_the_protocol_table() {
        assert_eq!(Scalar::of(Kind::Sqlite, "INTEGER", "INTEGER"), Scalar::Long);
        assert_eq!(Scalar::of(Kind::Postgres, "int8", "bigint"), Scalar::Long);
        assert_eq!(Scalar::of(Kind::Postgres, "int4", "integer"), Scalar::Int);
        assert_eq!(Scalar::of(Kind::Postgres, "int2", "smallint"), Scalar::Short);
        assert_eq!(Scalar::of(Kind::Postgres, "bool", "boolean"), Scalar::Boolean);
        assert_eq!(Scalar::of(Kind::Mysql, "int", "int(10) unsigned"), Scalar::Long);
        assert_eq!(Scalar::of(Kind::Mysql, "bigint", "bigint(20) unsigned"), Scalar::BigDecimal);
        assert_eq!(Scalar::of(Kind::Mysql, "tinyint", "tinyint(1)"), Scalar::Boolean);
        assert_eq!(Scalar::of(Kind::Mysql, "decimal", "decimal(10,2)"), Scalar::BigDecimal);
        assert_eq!(Scalar::of(Kind::Postgres, "money", "money"), Scalar::Money);
        assert_eq!(Scalar::of(Kind::Postgres, "float8", "double precision"), Scalar::Float);
        assert_eq!(Scalar::of(Kind::Postgres, "timestamptz", "timestamp with time zone"), Scalar::Date);
        assert_eq!(Scalar::of(Kind::Postgres, "jsonb", "jsonb"), Scalar::Map);
        assert_eq!(Scalar::of(Kind::Sqlite, "TEXT", "TEXT"), Scalar::String);
    }
}
