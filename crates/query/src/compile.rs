//! Plans to SQL text per dialect, with every value a bound parameter.
//!
//! Two renderings are produced side by side: `sql` with placeholders (what runs) and
//! `display_sql` with the values written inline as quoted literals (what people read, as in
//! the seed's validate answer). Only `sql` is ever executed.

use serde::Serialize;

use crate::Diagnostic;
use crate::catalog::TypeFamily;
use crate::dsl::{AggFn, Directives, JoinKind, Op, Scalar};
use crate::plan::{ColumnId, Operand, OrderKey, PCond, Plan, SelectItem};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// MySQL and MariaDB.
    MySql,
    Postgres,
    Sqlite,
}

/// A bound value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Param {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
}

/// One output column: the table it comes from (for the seed's per-table answer) and its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutputColumn {
    pub table: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompiledQuery {
    pub dialect: Dialect,
    pub sql: String,
    pub params: Vec<Param>,
    /// The same statement with values inline, for reading only.
    pub display_sql: String,
    /// `SELECT COUNT(*)` over the same filter, when `@total` is set.
    pub count_sql: Option<String>,
    pub count_params: Vec<Param>,
    pub columns: Vec<OutputColumn>,
    #[serde(skip)]
    pub directives: Directives,
}

/// Writes a statement and its display twin. Its only inputs are fixed text, identifiers (which
/// callers take from the catalog), bound values, and on SQLite the row counts of LIMIT/OFFSET,
/// which the compiler typed as unsigned integers (digits only).
pub(crate) struct Writer {
    pub(crate) dialect: Dialect,
    pub(crate) sql: String,
    pub(crate) display: String,
    pub(crate) params: Vec<Param>,
}

impl Writer {
    pub(crate) fn new(dialect: Dialect) -> Writer {
        Writer { dialect, sql: String::new(), display: String::new(), params: Vec::new() }
    }

    /// Fixed SQL text (keywords, operators): never anything from the query.
    pub(crate) fn raw(&mut self, text: &'static str) {
        self.sql.push_str(text);
        self.display.push_str(text);
    }

    pub(crate) fn ident(&mut self, name: &str) {
        let quoted = match self.dialect {
            Dialect::MySql => format!("`{}`", name.replace('`', "``")),
            Dialect::Postgres | Dialect::Sqlite => format!("\"{}\"", name.replace('"', "\"\"")),
        };
        self.sql.push_str(&quoted);
        self.display.push_str(&quoted);
    }

    pub(crate) fn param(&mut self, value: Param, cast: Option<&'static str>) {
        self.display.push_str(&literal(&value));
        self.params.push(value);
        match self.dialect {
            Dialect::Postgres => self.numbered(self.params.len(), cast),
            Dialect::MySql | Dialect::Sqlite => self.sql.push('?'),
        }
    }

    /// A row count the compiler itself typed (LIMIT, OFFSET). SQLite gets it as a literal of
    /// digits: its planner reads a bound LIMIT's value, which marks the statement for a full
    /// re-prepare every time its parameters are bound again (measured: every execution). The
    /// other dialects bind it.
    fn row_count(&mut self, n: u64) {
        let n = n.min(i64::MAX as u64);
        match self.dialect {
            Dialect::Sqlite => {
                let digits = n.to_string();
                self.sql.push_str(&digits);
                self.display.push_str(&digits);
            }
            Dialect::MySql | Dialect::Postgres => self.param(Param::Int(n as i64), None),
        }
    }

    /// The last bound value once more: PostgreSQL refers to the same `$n` again, the `?`
    /// dialects bind it a second time.
    fn param_again(&mut self, cast: Option<&'static str>) {
        let Some(value) = self.params.last().cloned() else { return };
        match self.dialect {
            Dialect::Postgres => {
                self.display.push_str(&literal(&value));
                self.numbered(self.params.len(), cast);
            }
            Dialect::MySql | Dialect::Sqlite => self.param(value, cast),
        }
    }

    /// PostgreSQL's `$n`, with a cast when the value needs a type.
    fn numbered(&mut self, n: usize, cast: Option<&'static str>) {
        self.sql.push_str(&format!("${n}"));
        if let Some(c) = cast {
            self.sql.push_str("::");
            self.sql.push_str(c);
        }
    }

    fn column(&mut self, plan: &Plan, col: &ColumnId) {
        self.ident(&plan.tables[col.table].alias);
        self.raw(".");
        self.ident(&col.name);
    }
}

/// A value as a quoted literal, for `display_sql` only.
fn literal(value: &Param) -> String {
    match value {
        Param::Null => "NULL".to_owned(),
        Param::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Param::Int(i) => i.to_string(),
        Param::Float(f) => f.to_string(),
        Param::Text(t) => format!("'{}'", t.replace('\'', "''")),
    }
}

pub(crate) fn param_of(s: &Scalar) -> Param {
    match s {
        Scalar::Null => Param::Null,
        Scalar::Bool(b) => Param::Bool(*b),
        Scalar::Int(i) => Param::Int(*i),
        Scalar::Float(f) => Param::Float(*f),
        Scalar::Text(t) => Param::Text(t.clone()),
    }
}

/// PostgreSQL needs typed parameters where text would not compare with the column.
pub(crate) fn pg_cast(family: TypeFamily, value: &Param) -> Option<&'static str> {
    match (family, value) {
        (_, Param::Null) => None,
        (TypeFamily::Integer, Param::Float(_)) => Some("numeric"),
        (TypeFamily::Integer, _) => Some("bigint"),
        (TypeFamily::Decimal, _) => Some("numeric"),
        (TypeFamily::Float, _) => Some("double precision"),
        (TypeFamily::Boolean, _) => Some("boolean"),
        (TypeFamily::Date, _) => Some("date"),
        (TypeFamily::Time, _) => Some("time"),
        (TypeFamily::Timestamp, _) => Some("timestamp"),
        (TypeFamily::TimestampTz, _) => Some("timestamptz"),
        (TypeFamily::Uuid, _) => Some("uuid"),
        _ => None,
    }
}

fn aggregate(w: &mut Writer, plan: &Plan, func: AggFn, distinct: bool, arg: Option<&ColumnId>) {
    w.raw(func.sql());
    w.raw("(");
    if distinct {
        w.raw("DISTINCT ");
    }
    match arg {
        Some(c) => w.column(plan, c),
        None => w.raw("*"),
    }
    w.raw(")");
}

/// Escapes `!`, `%` and `_` for `LIKE … ESCAPE '!'` (one escape character every dialect reads alike).
fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '!' | '%' | '_') {
            out.push('!');
        }
        out.push(c);
    }
    out
}

fn cond(w: &mut Writer, plan: &Plan, c: &PCond) {
    match c {
        PCond::And(parts) | PCond::Or(parts) if parts.is_empty() => w.raw("1 = 1"),
        PCond::And(parts) | PCond::Or(parts) => {
            let joiner = if matches!(c, PCond::And(_)) { " AND " } else { " OR " };
            w.raw("(");
            for (i, p) in parts.iter().enumerate() {
                if i > 0 {
                    w.raw(joiner);
                }
                cond(w, plan, p);
            }
            w.raw(")");
        }
        PCond::Not(inner) => {
            w.raw("NOT (");
            cond(w, plan, inner);
            w.raw(")");
        }
        PCond::Cmp { operand, op, values } => compare(w, plan, operand, *op, values),
        PCond::ColumnCmp { left, op, right } => {
            w.column(plan, left);
            w.raw(" ");
            w.raw(op.sql());
            w.raw(" ");
            w.column(plan, right);
        }
    }
}

fn compare(w: &mut Writer, plan: &Plan, operand: &Operand, op: Op, values: &[Scalar]) {
    let family = operand.family();
    let pattern = op.is_pattern();
    let lhs = |w: &mut Writer| {
        let textual = pattern && w.dialect == Dialect::Postgres && family != TypeFamily::Text;
        if textual {
            w.raw("CAST(");
        }
        match operand {
            Operand::Column(c) => w.column(plan, c),
            Operand::Aggregate { func, distinct, arg } => aggregate(w, plan, *func, *distinct, arg.as_ref()),
        }
        if textual {
            w.raw(" AS TEXT)");
        }
    };
    let value = |w: &mut Writer, s: &Scalar| {
        let p = param_of(s);
        let cast = if w.dialect == Dialect::Postgres { pg_cast(family, &p) } else { None };
        w.param(p, cast);
    };
    match op {
        Op::IsNull | Op::NotNull => {
            lhs(w);
            w.raw(if op == Op::IsNull { " IS NULL" } else { " IS NOT NULL" });
        }
        Op::In | Op::Nin if values.is_empty() => w.raw(if op == Op::In { "1 = 0" } else { "1 = 1" }),
        Op::In | Op::Nin => {
            lhs(w);
            w.raw(if op == Op::In { " IN (" } else { " NOT IN (" });
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    w.raw(", ");
                }
                value(w, v);
            }
            w.raw(")");
        }
        Op::Between => {
            lhs(w);
            w.raw(" BETWEEN ");
            value(w, &values[0]);
            w.raw(" AND ");
            value(w, &values[1]);
        }
        Op::Like | Op::NotLike => {
            lhs(w);
            w.raw(if op == Op::Like { " LIKE " } else { " NOT LIKE " });
            w.param(param_of(&values[0]), None);
        }
        Op::Starts | Op::Ends | Op::Contains => {
            let Scalar::Text(t) = &values[0] else { return };
            let escaped = like_escape(t);
            let pattern = match op {
                Op::Starts => format!("{escaped}%"),
                Op::Ends => format!("%{escaped}"),
                _ => format!("%{escaped}%"),
            };
            lhs(w);
            w.raw(" LIKE ");
            w.param(Param::Text(pattern), None);
            w.raw(" ESCAPE '!'");
        }
        Op::HasAll | Op::HasNotAll | Op::HasAny | Op::HasNone => {
            // `&` of an int4 or int2 column with the bigint mask widens the column on
            // PostgreSQL (an implicit cast), so the comparison is bigint with bigint.
            w.raw("(");
            lhs(w);
            w.raw(" & ");
            value(w, &values[0]);
            w.raw(")");
            match op {
                Op::HasAll | Op::HasNotAll => {
                    w.raw(if op == Op::HasAll { " = " } else { " <> " });
                    let cast =
                        if w.dialect == Dialect::Postgres { pg_cast(family, &param_of(&values[0])) } else { None };
                    w.param_again(cast);
                }
                Op::HasAny => w.raw(" > 0"),
                _ => w.raw(" = 0"),
            }
        }
        Op::Eq | Op::Ne | Op::Gt | Op::Gte | Op::Lt | Op::Lte | Op::BitEq | Op::BitNe => {
            lhs(w);
            w.raw(match op {
                Op::Eq | Op::BitEq => " = ",
                Op::Ne | Op::BitNe => " <> ",
                Op::Gt => " > ",
                Op::Gte => " >= ",
                Op::Lt => " < ",
                _ => " <= ",
            });
            value(w, &values[0]);
        }
    }
}

/// `SELECT … FROM … JOIN … WHERE … GROUP BY … HAVING …`, without ordering or paging.
fn body(w: &mut Writer, plan: &Plan, select: bool) {
    if select {
        w.raw("SELECT ");
        for (i, item) in plan.select.iter().enumerate() {
            if i > 0 {
                w.raw(", ");
            }
            match item {
                SelectItem::Column { col, alias } => {
                    w.column(plan, col);
                    if let Some(a) = alias {
                        w.raw(" AS ");
                        w.ident(a);
                    }
                }
                SelectItem::Aggregate { func, distinct, arg, alias } => {
                    aggregate(w, plan, *func, *distinct, arg.as_ref());
                    if let Some(a) = alias {
                        w.raw(" AS ");
                        w.ident(a);
                    }
                }
            }
        }
    }
    w.raw(" FROM ");
    table(w, plan, 0);
    for j in &plan.joins {
        w.raw(match j.kind {
            JoinKind::Inner => " INNER JOIN ",
            JoinKind::Left => " LEFT JOIN ",
            JoinKind::Right => " RIGHT JOIN ",
            JoinKind::Full => " FULL JOIN ",
        });
        table(w, plan, j.table);
        w.raw(" ON ");
        for (i, (l, op, r)) in j.on.iter().enumerate() {
            if i > 0 {
                w.raw(" AND ");
            }
            w.column(plan, l);
            w.raw(" ");
            w.raw(op.sql());
            w.raw(" ");
            w.column(plan, r);
        }
    }
    if let Some(f) = &plan.filter {
        w.raw(" WHERE ");
        cond(w, plan, f);
    }
    if !plan.group_by.is_empty() {
        w.raw(" GROUP BY ");
        for (i, g) in plan.group_by.iter().enumerate() {
            if i > 0 {
                w.raw(", ");
            }
            w.column(plan, g);
        }
    }
    if let Some(h) = &plan.having {
        w.raw(" HAVING ");
        cond(w, plan, h);
    }
}

fn table(w: &mut Writer, plan: &Plan, index: usize) {
    let t = &plan.tables[index];
    w.ident(&t.name);
    if t.explicit_alias {
        w.raw(" ");
        w.ident(&t.alias);
    }
}

/// Compiles a plan for one dialect.
pub fn compile(plan: &Plan, dialect: Dialect) -> Result<CompiledQuery, Vec<Diagnostic>> {
    if dialect == Dialect::MySql && plan.joins.iter().any(|j| j.kind == JoinKind::Full) {
        return Err(vec![Diagnostic::new("tables[0].joins", "MySQL and MariaDB have no FULL JOIN")]);
    }
    let mut w = Writer::new(dialect);
    body(&mut w, plan, true);
    if !plan.order_by.is_empty() {
        w.raw(" ORDER BY ");
        for (i, (key, desc)) in plan.order_by.iter().enumerate() {
            if i > 0 {
                w.raw(", ");
            }
            match key {
                OrderKey::Column(c) => w.column(plan, c),
                OrderKey::Alias(a) => w.ident(a),
            }
            w.raw(if *desc { " DESC" } else { " ASC" });
        }
    }
    match (plan.limit, plan.offset) {
        (Some(limit), offset) => {
            w.raw(" LIMIT ");
            w.row_count(limit);
            if let Some(o) = offset {
                w.raw(" OFFSET ");
                w.row_count(o);
            }
        }
        (None, Some(o)) => {
            // MySQL and SQLite need a LIMIT before an OFFSET.
            match dialect {
                Dialect::MySql => w.raw(" LIMIT 18446744073709551615"),
                Dialect::Sqlite => w.raw(" LIMIT -1"),
                Dialect::Postgres => {}
            }
            w.raw(" OFFSET ");
            w.row_count(o);
        }
        (None, None) => {}
    }
    let (count_sql, count_params) = if plan.directives.total {
        let mut c = Writer::new(dialect);
        if plan.group_by.is_empty() && !plan.select.iter().any(|s| matches!(s, SelectItem::Aggregate { .. })) {
            c.raw("SELECT COUNT(*)");
            body(&mut c, plan, false);
        } else {
            c.raw("SELECT COUNT(*) FROM (");
            body(&mut c, plan, true);
            c.raw(") AS ");
            c.ident("counted");
        }
        (Some(c.sql), c.params)
    } else {
        (None, Vec::new())
    };
    let columns = plan
        .select
        .iter()
        .map(|s| match s {
            SelectItem::Column { col, alias } => OutputColumn {
                table: plan.tables[col.table].name.clone(),
                name: alias.clone().unwrap_or_else(|| col.name.clone()),
            },
            SelectItem::Aggregate { func, arg, alias, .. } => OutputColumn {
                table: plan.tables[0].name.clone(),
                name: alias.clone().unwrap_or_else(|| match arg {
                    Some(c) => format!("{}({})", func.sql().to_lowercase(), c.name),
                    None => format!("{}(*)", func.sql().to_lowercase()),
                }),
            },
        })
        .collect();
    Ok(CompiledQuery {
        dialect,
        sql: w.sql,
        params: w.params,
        display_sql: w.display,
        count_sql,
        count_params,
        columns,
        directives: plan.directives.clone(),
    })
}
