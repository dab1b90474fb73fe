//! What the generated functions do: build the query builder's own representation, compile it
//! for the datasource's dialect, run it, and turn rows into Oinone's wire forms.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_graphql::{Name, Value};
use query::{ColRef, ColumnItem, Cond, Directives, OrderItem, TableQuery, Target};

use crate::filter;
use crate::model::{Field, Model, Scalar};
use crate::oinone::{self, Level, Message, OinoneError};
use crate::placeholder::{Placeholders, Session};

/// `variables.requestStrategy` (the published page) or `variables.oio` (the real server).
#[derive(Debug, Clone, Copy)]
pub struct Strategy {
    /// `RETURN_WHEN_ERROR`: report only the first problem.
    pub stop_at_first_error: bool,
    /// Messages below this level are dropped (default `ERROR`).
    pub msg_level: Level,
    /// Validate and roll back.
    pub only_validate: bool,
}

impl Default for Strategy {
    fn default() -> Self {
        Strategy { stop_at_first_error: false, msg_level: Level::Error, only_validate: false }
    }
}

impl Strategy {
    pub fn from_variables(variables: &serde_json::Value) -> Strategy {
        let mut s = Strategy::default();
        for key in ["requestStrategy", "oio"] {
            let Some(o) = variables.get(key).and_then(|v| v.as_object()) else { continue };
            if let Some(c) = o.get("checkStrategy").and_then(|v| v.as_str()) {
                s.stop_at_first_error = c.eq_ignore_ascii_case("RETURN_WHEN_ERROR");
            }
            if let Some(l) = o.get("msgLevel").and_then(|v| v.as_str()).and_then(Level::parse) {
                s.msg_level = l;
            }
            if let Some(v) = o.get("onlyValidate") {
                s.only_validate = v.as_bool().unwrap_or_else(|| v.as_str() == Some("true"));
            }
        }
        s
    }
}

/// Everything one request's resolvers need.
pub struct Exec {
    pub pool: datasource::Pool,
    /// The datasource's code (metrics are tagged with it).
    pub datasource: String,
    pub catalog: Arc<query::Catalog>,
    pub dialect: query::Dialect,
    pub session: Session,
    pub placeholders: Arc<Placeholders>,
    /// Why writes are refused, if they are (read-only datasource, missing `datasource:write`).
    pub write_denied: Option<OinoneError>,
    /// Tables the admin marked read-only (`readOnlyTables`).
    pub read_only_tables: Vec<String>,
    pub strategy: Strategy,
    pub timeout: Duration,
    pub messages: Mutex<Vec<Message>>,
    /// Every `variables` key, for server-side logic (`scene`, `path`, …).
    pub variables: serde_json::Value,
}

impl Exec {
    pub fn message(&self, level: Level, text: impl Into<String>, model: &Model) {
        if level >= self.strategy.msg_level
            && let Ok(mut m) = self.messages.lock()
        {
            m.push(Message { level, message: text.into(), code: None, model: Some(model.name.clone()), field: None });
        }
    }
}

/// An input object (`{Name}Input`, a `queryWrapper`, a page) as GraphQL received it.
pub type Record = async_graphql::indexmap::IndexMap<Name, Value>;

/// The value of `key` in `record`, unless absent or null.
pub fn get<'a>(record: &'a Record, key: &str) -> Option<&'a Value> {
    record.get(key).filter(|v| !matches!(v, Value::Null))
}

/// A row as a GraphQL object keyed by field name, in the model's wire forms.
pub fn row_value(model: &Model, row: Vec<serde_json::Value>) -> Value {
    let mut map = async_graphql::indexmap::IndexMap::with_capacity(model.fields.len());
    for (f, v) in model.fields.iter().zip(row) {
        map.insert(Name::new(&f.name), wire(f.scalar, v));
    }
    Value::Object(map)
}

/// A database value in Oinone's wire form for its scalar: `Long`, `BigDecimal` and `Money` as
/// strings; booleans stored as 0/1 as booleans; JSON text as JSON.
fn wire(scalar: Scalar, v: serde_json::Value) -> Value {
    use serde_json::Value as J;
    match (scalar, v) {
        (_, J::Null) => Value::Null,
        (Scalar::Long | Scalar::BigDecimal | Scalar::Money, J::Number(n)) => Value::String(n.to_string()),
        (Scalar::Boolean, J::Number(n)) => Value::Boolean(n.as_i64().unwrap_or(0) != 0),
        (Scalar::Int | Scalar::Short, J::String(s)) => s.parse::<i64>().map(Value::from).unwrap_or(Value::String(s)),
        (Scalar::Map, J::String(s)) => {
            serde_json::from_str(&s).ok().and_then(|j| Value::from_json(j).ok()).unwrap_or(Value::String(s))
        }
        (_, other) => Value::from_json(other).unwrap_or(Value::Null),
    }
}

/// A GraphQL input value as a bound value; the compiler types it by its column.
pub fn scalar_of(_field: &Field, v: &Value) -> query::Scalar {
    match v {
        Value::Null => query::Scalar::Null,
        Value::Boolean(b) => query::Scalar::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => query::Scalar::Int(i),
            None => query::Scalar::Float(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => query::Scalar::Text(s.clone()),
        Value::Enum(e) => query::Scalar::Text(e.to_string()),
        // Objects and lists (a `Map` field) are stored as their JSON text.
        other => query::Scalar::Text(other.clone().into_json().map(|j| j.to_string()).unwrap_or_default()),
    }
}

/// Equality on each field given in an entity (`query: {Name}Input`), ANDed.
pub fn entity_filter(model: &Model, entity: Option<&Record>) -> Result<Vec<Cond>, OinoneError> {
    let mut conds = Vec::new();
    let Some(entity) = entity else { return Ok(conds) };
    for (name, value) in entity {
        if matches!(value, Value::Null) {
            continue;
        }
        let f = model.field(name.as_str()).ok_or_else(|| no_field(model, name.as_str()))?;
        conds.push(Cond::Cmp {
            target: Target::Column(ColRef {
                qualifier: None,
                name: f.column.clone(),
                path: format!("query.{}", f.name),
            }),
            op: query::Op::Eq,
            values: vec![scalar_of(f, value)],
            path: format!("query.{}", f.name),
        });
    }
    Ok(conds)
}

fn no_field(model: &Model, name: &str) -> OinoneError {
    OinoneError::new(oinone::RSQL_NO_FIELD, format!("模型 {} 没有字段 {name:?} (no such field)", model.name))
}

/// The condition of a `queryWrapper`: its RSQL and its `queryData` equalities.
pub fn wrapper_filter(exec: &Exec, model: &Model, wrapper: Option<&Record>) -> Result<Vec<Cond>, OinoneError> {
    let mut conds = Vec::new();
    let Some(w) = wrapper else { return Ok(conds) };
    if let Some(rsql) = get(w, "rsql") {
        let Value::String(text) = rsql else {
            return Err(OinoneError::new(oinone::RSQL_BAD_ARGUMENTS, "rsql must be a string"));
        };
        let resolve = |name: &str| exec.placeholders.resolve(name, &exec.session);
        conds.push(filter::lower(text, model, &resolve)?);
    }
    if let Some(Value::Object(data)) = get(w, "queryData") {
        conds.extend(entity_filter(model, Some(data))?);
    }
    Ok(conds)
}

/// What to read: filter, order and page.
#[derive(Default)]
pub struct Read {
    pub filter: Vec<Cond>,
    pub order: Vec<(String, bool)>,
    pub limit: Option<u64>,
    pub offset: Option<u64>,
    pub total: bool,
}

fn compile_error(model: &Model, diags: Vec<query::Diagnostic>) -> OinoneError {
    let first = diags.first();
    let code = match first {
        Some(d) if d.path.starts_with("rsql[") => oinone::RSQL_BAD_ARGUMENTS,
        _ => oinone::VALIDATION,
    };
    let text = diags.iter().map(|d| d.message.clone()).collect::<Vec<_>>().join("; ");
    let e = OinoneError::new(code, format!("{}: {text}", model.name));
    match first.and_then(|d| d.path.rsplit('.').next()) {
        Some(field) if code == oinone::VALIDATION => e.on_field(field),
        _ => e,
    }
}

pub fn data_error(e: datasource::ExecError) -> OinoneError {
    match e {
        datasource::ExecError::Timeout(d) => OinoneError::new(
            oinone::DATA_ERROR,
            format!("查询超时 (the query ran longer than {d:?} and was cancelled)"),
        ),
        datasource::ExecError::Constraint { message } => {
            OinoneError::new(oinone::VALIDATION, format!("数据校验失败 (the database refused the change: {message})"))
        }
        other => OinoneError::new(oinone::DATA_ERROR, format!("数据库错误 (the database refused the query: {other})")),
    }
}

/// Runs a read; answers the rows as GraphQL objects and, with `total`, the count.
pub async fn read(exec: &Exec, model: &Model, r: Read) -> Result<(Vec<Value>, Option<i64>), OinoneError> {
    let mut table = TableQuery::new(model.table.clone());
    table.columns = model
        .fields
        .iter()
        .map(|f| ColumnItem::Column { col: ColRef::column(f.column.clone()), alias: None })
        .collect();
    table.filter = match r.filter.len() {
        0 => None,
        1 => r.filter.into_iter().next(),
        _ => Some(Cond::And(r.filter)),
    };
    for (field, desc) in r.order {
        let f = model.field_or_column(&field).ok_or_else(|| no_field(model, &field))?;
        table.order_by.push(OrderItem { col: ColRef::column(f.column.clone()), desc });
    }
    table.limit = r.limit;
    table.offset = r.offset;
    let q = query::Query { root: table, directives: Directives { cache_ttl: None, total: r.total } };
    let plan = query::resolve(&q, &exec.catalog).map_err(|d| compile_error(model, d))?;
    let compiled = query::compile(&plan, exec.dialect).map_err(|d| compile_error(model, d))?;
    let began = std::time::Instant::now();
    let rows = exec.pool.fetch_rows(&compiled, exec.timeout).await;
    let rows_read = rows.as_ref().map_or(0, |r| r.len() as u64);
    telemetry::query(&exec.datasource, began.elapsed(), rows_read, rows.is_ok());
    let rows = rows.map_err(data_error)?;
    let total = if r.total { exec.pool.count(&compiled, exec.timeout).await.map_err(data_error)? } else { None };
    Ok((rows.into_iter().map(|row| row_value(model, row)).collect(), total))
}

/// `page: {currentPage, size | pageSize, sort: {orders: [{field, direction}]}}`.
pub struct Page {
    pub current: u64,
    /// `None`: no paging (`size < 0`).
    pub size: Option<u64>,
    pub order: Vec<(String, bool)>,
}

pub const DEFAULT_PAGE_SIZE: u64 = 15;
const MAX_PAGE_SIZE: u64 = 10_000;

impl Page {
    pub fn parse(page: Option<&Record>) -> Result<Page, OinoneError> {
        let mut p = Page { current: 1, size: Some(DEFAULT_PAGE_SIZE), order: Vec::new() };
        let Some(page) = page else { return Ok(p) };
        let int = |v: &Value| match v {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        };
        if let Some(c) = get(page, "currentPage") {
            p.current = int(c)
                .and_then(|c| u64::try_from(c).ok())
                .filter(|c| *c >= 1)
                .ok_or_else(|| bad_page("currentPage"))?;
        }
        if let Some(s) = get(page, "size").or_else(|| get(page, "pageSize")) {
            let s = int(s).ok_or_else(|| bad_page("size"))?;
            p.size = if s < 0 { None } else { Some((s as u64).min(MAX_PAGE_SIZE)) };
        }
        if let Some(Value::Object(sort)) = get(page, "sort")
            && let Some(orders) = get(sort, "orders")
        {
            let Value::List(orders) = orders else { return Err(bad_page("sort.orders")) };
            for o in orders {
                let Value::Object(o) = o else { return Err(bad_page("sort.orders")) };
                let Some(Value::String(field)) = get(o, "field") else { return Err(bad_page("sort.orders.field")) };
                let desc = match get(o, "direction") {
                    Some(Value::Enum(d)) => d.eq_ignore_ascii_case("DESC"),
                    Some(Value::String(d)) => d.eq_ignore_ascii_case("DESC"),
                    _ => false,
                };
                p.order.push((field.clone(), desc));
            }
        }
        Ok(p)
    }
}

fn bad_page(what: &str) -> OinoneError {
    OinoneError::new(oinone::VALIDATION, format!("page.{what} is not valid")).on_field(what)
}
