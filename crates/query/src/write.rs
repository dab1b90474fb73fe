//! Write statements: `INSERT` of one row, `UPDATE` and `DELETE` of the rows a key names.
//!
//! Pure, like the query compiler, and held to its rules: the table and every column are checked
//! against the [`Catalog`] (with the closest name suggested), values are typed by their
//! column's family exactly as filter values are (`value::typed`), identifiers are quoted by the
//! dialect and every value is a bound parameter. An `UPDATE` or `DELETE` always has a key, so
//! no statement from here can change a whole table.

use serde::Serialize;

use crate::catalog::{Catalog, CatalogColumn, CatalogTable, TypeFamily};
use crate::compile::{Dialect, Param, Writer, param_of, pg_cast};
use crate::diagnostic::{Diagnostic, closest};
use crate::dsl::Scalar;
use crate::value::typed;

/// `INSERT INTO table (columns…) VALUES (values…)`: one row. Columns left out get their
/// defaults; no columns at all inserts a row of defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct Insert {
    pub table: String,
    pub values: Vec<(String, Scalar)>,
}

/// `UPDATE table SET … WHERE key`: `set` must name at least one column and `key` at least one
/// (`column = value` for each, combined with AND; no value may be null).
#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    pub table: String,
    pub set: Vec<(String, Scalar)>,
    pub key: Vec<(String, Scalar)>,
}

/// `DELETE FROM table WHERE key`, with the key as for [`Update`].
#[derive(Debug, Clone, PartialEq)]
pub struct Delete {
    pub table: String,
    pub key: Vec<(String, Scalar)>,
}

/// A write statement ready to run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompiledWrite {
    pub sql: String,
    pub params: Vec<Param>,
    /// The same statement with values inline, for reading only.
    pub display_sql: String,
    /// The columns of `RETURNING` (an insert's primary key), in order; empty when the
    /// statement returns no rows.
    pub returning: Vec<String>,
}

/// Checks the table and the column lists of one statement, collecting every problem.
struct Checker<'a> {
    catalog: &'a Catalog,
    errors: Vec<Diagnostic>,
}

/// A checked `column = value`, the value typed for the column.
struct Assignment<'a> {
    column: &'a CatalogColumn,
    value: Scalar,
}

impl<'a> Checker<'a> {
    fn new(catalog: &'a Catalog) -> Checker<'a> {
        Checker { catalog, errors: Vec::new() }
    }

    fn table(&mut self, name: &str) -> Option<&'a CatalogTable> {
        let table = self.catalog.table(name);
        if table.is_none() {
            let suggestion = closest(name, self.catalog.tables.iter().map(|t| t.name.as_str()));
            self.errors.push(Diagnostic::new("table", format!("unknown table {name:?}")).with_suggestion(suggestion));
        }
        table
    }

    /// Checks `column = value` pairs under `section` (`values`, `set`, `key`): each column known
    /// and named once, each value of its column's type.
    fn assignments(
        &mut self,
        table: Option<&'a CatalogTable>,
        section: &str,
        items: &[(String, Scalar)],
    ) -> Vec<Assignment<'a>> {
        let mut out: Vec<Assignment<'a>> = Vec::with_capacity(items.len());
        let Some(table) = table else { return out };
        let mut seen: Vec<&str> = Vec::with_capacity(items.len());
        for (name, value) in items {
            let path = format!("{section}.{name}");
            if seen.contains(&name.as_str()) {
                self.errors.push(Diagnostic::new(path, format!("the column {name:?} is given twice")));
                continue;
            }
            seen.push(name);
            let Some(column) = table.column(name) else {
                let suggestion = closest(name, table.columns.iter().map(|c| c.name.as_str()));
                let message = format!("unknown column {name:?} in {:?}", table.name);
                self.errors.push(Diagnostic::new(path, message).with_suggestion(suggestion));
                continue;
            };
            match typed(value, column.family) {
                Ok(value) => out.push(Assignment { column, value }),
                Err(message) => self.errors.push(Diagnostic::new(path, message)),
            }
        }
        out
    }

    /// The key of an update or delete: at least one column, no null value.
    fn key(&mut self, table: Option<&'a CatalogTable>, items: &[(String, Scalar)], verb: &str) -> Vec<Assignment<'a>> {
        if items.is_empty() {
            self.errors.push(Diagnostic::new(
                "key",
                format!("{verb} needs a key (column = value) so that it cannot change every row"),
            ));
        }
        for (name, value) in items {
            if *value == Scalar::Null {
                self.errors.push(Diagnostic::new(format!("key.{name}"), "a key value cannot be null"));
            }
        }
        self.assignments(table, "key", items)
    }

    /// The checked table, or every problem found.
    fn finish(self, table: Option<&'a CatalogTable>) -> Result<&'a CatalogTable, Vec<Diagnostic>> {
        match table {
            Some(table) if self.errors.is_empty() => Ok(table),
            _ => Err(self.errors),
        }
    }
}

/// A value for a column: `NULL` as the keyword (so PostgreSQL needs no type for it), anything
/// else bound, with the cast PostgreSQL needs to assign text to the column's type.
fn value(w: &mut Writer, a: &Assignment<'_>) {
    if a.value == Scalar::Null {
        w.raw("NULL");
        return;
    }
    let p = param_of(&a.value);
    let cast = match (w.dialect, a.column.family) {
        // Text does not assign to json or jsonb without a cast; jsonb assigns to both.
        (Dialect::Postgres, TypeFamily::Json) => Some("jsonb"),
        (Dialect::Postgres, family) => pg_cast(family, &p),
        _ => None,
    };
    w.param(p, cast);
}

/// ` WHERE a = ? AND b = ?`.
fn where_key(w: &mut Writer, key: &[Assignment<'_>]) {
    w.raw(" WHERE ");
    for (i, a) in key.iter().enumerate() {
        if i > 0 {
            w.raw(" AND ");
        }
        w.ident(&a.column.name);
        w.raw(" = ");
        value(w, a);
    }
}

fn finish(w: Writer, returning: Vec<String>) -> CompiledWrite {
    CompiledWrite { sql: w.sql, params: w.params, display_sql: w.display, returning }
}

/// Compiles an insert. On every dialect (MariaDB from 10.5) the new row's primary key comes
/// back through `RETURNING`, so generated ids are known; a table without a primary key
/// returns nothing.
pub fn compile_insert(insert: &Insert, catalog: &Catalog, dialect: Dialect) -> Result<CompiledWrite, Vec<Diagnostic>> {
    let mut c = Checker::new(catalog);
    let table = c.table(&insert.table);
    let values = c.assignments(table, "values", &insert.values);
    let table = c.finish(table)?;
    let mut w = Writer::new(dialect);
    w.raw("INSERT INTO ");
    w.ident(&table.name);
    if values.is_empty() {
        // A row of defaults; MySQL has no DEFAULT VALUES.
        w.raw(if dialect == Dialect::MySql { " () VALUES ()" } else { " DEFAULT VALUES" });
    } else {
        w.raw(" (");
        for (i, a) in values.iter().enumerate() {
            if i > 0 {
                w.raw(", ");
            }
            w.ident(&a.column.name);
        }
        w.raw(") VALUES (");
        for (i, a) in values.iter().enumerate() {
            if i > 0 {
                w.raw(", ");
            }
            value(&mut w, a);
        }
        w.raw(")");
    }
    let returning = table.primary_key.clone();
    if !returning.is_empty() {
        w.raw(" RETURNING ");
        for (i, name) in returning.iter().enumerate() {
            if i > 0 {
                w.raw(", ");
            }
            w.ident(name);
        }
    }
    Ok(finish(w, returning))
}

/// Compiles an update of the rows matching the key.
pub fn compile_update(update: &Update, catalog: &Catalog, dialect: Dialect) -> Result<CompiledWrite, Vec<Diagnostic>> {
    let mut c = Checker::new(catalog);
    let table = c.table(&update.table);
    if update.set.is_empty() {
        c.errors.push(Diagnostic::new("set", "nothing to update: set at least one column"));
    }
    let set = c.assignments(table, "set", &update.set);
    let key = c.key(table, &update.key, "an update");
    let table = c.finish(table)?;
    let mut w = Writer::new(dialect);
    w.raw("UPDATE ");
    w.ident(&table.name);
    w.raw(" SET ");
    for (i, a) in set.iter().enumerate() {
        if i > 0 {
            w.raw(", ");
        }
        w.ident(&a.column.name);
        w.raw(" = ");
        value(&mut w, a);
    }
    where_key(&mut w, &key);
    Ok(finish(w, Vec::new()))
}

/// Compiles a delete of the rows matching the key.
pub fn compile_delete(delete: &Delete, catalog: &Catalog, dialect: Dialect) -> Result<CompiledWrite, Vec<Diagnostic>> {
    let mut c = Checker::new(catalog);
    let table = c.table(&delete.table);
    let key = c.key(table, &delete.key, "a delete");
    let table = c.finish(table)?;
    let mut w = Writer::new(dialect);
    w.raw("DELETE FROM ");
    w.ident(&table.name);
    where_key(&mut w, &key);
    Ok(finish(w, Vec::new()))
}
