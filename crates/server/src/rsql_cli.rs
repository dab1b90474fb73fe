//! `quarry rsql`: shows how a filter parses and what SQL it becomes, for users debugging filters.
//!
//! There is no datasource here, so the filter's selectors become the columns of a table `t`
//! (integers for bit operators, text otherwise); the gateway checks them against the real schema.

use gateway::model::{Field, Model, Scalar};
use rsql::{Node, Operator};

/// Runs the command; `Err` holds the message for stderr (the exit status is then non-zero).
pub fn run(dialect: &str, expr: &str) -> Result<String, String> {
    let dialect = match dialect {
        "postgres" | "postgresql" | "pg" => query::Dialect::Postgres,
        "mysql" | "mariadb" => query::Dialect::MySql,
        "sqlite" => query::Dialect::Sqlite,
        other => return Err(format!("unknown dialect {other:?}: use postgres, mysql or sqlite")),
    };
    let text = rsql::decode_base64_prefix(expr).map_err(|e| format!("error: {e}\n{}", e.caret(expr)))?;
    let tree = rsql::parse(&text).map_err(|e| format!("error: {e}\n{}", e.caret(&text)))?;
    let mut columns: Vec<(String, bool)> = Vec::new();
    collect(&tree, &mut columns);
    let model = Model {
        name: "t".into(),
        type_name: "T".into(),
        table: "t".into(),
        fields: columns
            .iter()
            .map(|(c, int)| Field {
                name: c.clone(),
                column: c.clone(),
                scalar: if *int { Scalar::Long } else { Scalar::String },
                nullable: true,
            })
            .collect(),
        primary_key: Vec::new(),
    };
    let catalog = query::Catalog {
        tables: vec![query::CatalogTable {
            name: "t".into(),
            columns: columns
                .iter()
                .map(|(c, int)| query::CatalogColumn {
                    name: c.clone(),
                    family: if *int { query::TypeFamily::Integer } else { query::TypeFamily::Text },
                    nullable: true,
                })
                .collect(),
            indexes: Vec::new(),
            rows: None,
            primary_key: Vec::new(),
        }],
    };
    let placeholder = |name: &str| -> Result<Option<gateway::placeholder::Resolved>, gateway::oinone::OinoneError> {
        Ok(Some(gateway::placeholder::Resolved::One(format!("<{name}>"))))
    };
    let cond =
        gateway::filter::lower(&text, &model, &placeholder).map_err(|e| format!("error {}: {}", e.code, e.message))?;
    let mut table = query::TableQuery::new("t");
    table.filter = Some(cond);
    let q = query::Query { root: table, directives: query::Directives::default() };
    let compiled = query::resolve(&q, &catalog)
        .and_then(|plan| query::compile(&plan, dialect))
        .map_err(|d| d.iter().map(|d| format!("error at {}: {}", d.path, d.message)).collect::<Vec<_>>().join("\n"))?;
    let params = compiled.params.iter().enumerate().map(|(i, p)| format!("  ${} = {p:?}", i + 1)).collect::<Vec<_>>();
    Ok(format!(
        "tree:   {}\nsql:    {}\nparams:\n{}\nshown:  {}\n",
        tree.to_prefix(),
        compiled.sql,
        if params.is_empty() { "  (none)".to_owned() } else { params.join("\n") },
        compiled.display_sql
    ))
}

fn collect(node: &Node, out: &mut Vec<(String, bool)>) {
    match node {
        Node::And(children) | Node::Or(children) => children.iter().for_each(|c| collect(c, out)),
        Node::Comparison(c) => {
            if c.selector.parse::<i64>().is_ok() {
                return;
            }
            let int = matches!(
                c.operator,
                Operator::BitEqual
                    | Operator::BitNotEqual
                    | Operator::HasAll
                    | Operator::NotHasAll
                    | Operator::HasAny
                    | Operator::HasNone
            );
            let mut add = |name: &str, int: bool| match out.iter_mut().find(|(n, _)| n == name) {
                Some(entry) => entry.1 |= int,
                None => out.push((name.to_owned(), int)),
            };
            add(&c.selector, int);
            if matches!(c.operator, Operator::ColumnEqual | Operator::ColumnNotEqual)
                && let Some(other) = c.arguments.values().first()
            {
                add(other, false);
            }
        }
    }
}
