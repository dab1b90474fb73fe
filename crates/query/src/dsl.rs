//! The query DSL as written (`tables`, `columns`, `where`, `joins`, `groupBy`, `having`,
//! `orderBy`, `limit`, `offset`, `directives`), parsed from JSON with every problem collected.

use serde_json::{Map, Value};

use crate::Diagnostic;

/// Limits that keep hostile queries from exhausting the compiler or the database.
pub(crate) const MAX_DEPTH: usize = 32;
const MAX_CONDITIONS: usize = 1_000;
const MAX_LIST: usize = 10_000;

/// A whole query: one root table (with its joins) and the directives.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub root: TableQuery,
    pub directives: Directives,
}

/// `@cache` (a TTL in seconds, 60 for `true`) and `@total`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Directives {
    pub cache_ttl: Option<u64>,
    pub total: bool,
}

/// The root table of a query and everything hanging off it.
///
/// Built by [`parse`] from JSON, or directly by another front door (the Oinone gateway lowers
/// its RSQL filters into these types); either way [`resolve`](crate::resolve) checks it.
#[derive(Debug, Clone, PartialEq)]
pub struct TableQuery {
    pub name: String,
    pub alias: Option<String>,
    /// What to select; empty means every column of the table.
    pub columns: Vec<ColumnItem>,
    /// The `where` condition.
    pub filter: Option<Cond>,
    pub joins: Vec<JoinSpec>,
    pub group_by: Vec<ColRef>,
    pub having: Option<Cond>,
    pub order_by: Vec<OrderItem>,
    pub limit: Option<u64>,
    pub offset: Option<u64>,
    /// Where this table is in the query (`tables[0]`), prefixed to diagnostics; may be empty.
    pub path: String,
}

impl TableQuery {
    /// Every column of the table `name`: no filter, joins, grouping, order or paging, and an
    /// empty path.
    pub fn new(name: impl Into<String>) -> TableQuery {
        TableQuery {
            name: name.into(),
            alias: None,
            columns: Vec::new(),
            filter: None,
            joins: Vec::new(),
            group_by: Vec::new(),
            having: None,
            order_by: Vec::new(),
            limit: None,
            offset: None,
            path: String::new(),
        }
    }
}

/// A column reference, optionally qualified by a table alias (`u.createdAt`).
#[derive(Debug, Clone, PartialEq)]
pub struct ColRef {
    pub qualifier: Option<String>,
    pub name: String,
    /// Where the reference is in the query, for diagnostics; may be empty.
    pub path: String,
}

impl ColRef {
    /// An unqualified column of the root table, with an empty path.
    pub fn column(name: impl Into<String>) -> ColRef {
        ColRef { qualifier: None, name: name.into(), path: String::new() }
    }
}

/// An aggregate function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggFn {
    Count,
    Sum,
    Avg,
    Min,
    Max,
}

impl AggFn {
    /// The function's SQL name.
    pub fn sql(self) -> &'static str {
        match self {
            AggFn::Count => "COUNT",
            AggFn::Sum => "SUM",
            AggFn::Avg => "AVG",
            AggFn::Min => "MIN",
            AggFn::Max => "MAX",
        }
    }
}

/// One entry of `columns`.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnItem {
    /// `*` or `alias.*`.
    All {
        qualifier: Option<String>,
        path: String,
    },
    Column {
        col: ColRef,
        alias: Option<String>,
    },
    Aggregate {
        func: AggFn,
        distinct: bool,
        arg: Option<ColRef>,
        alias: Option<String>,
        path: String,
    },
}

/// A value as written, before it is typed by the column it meets.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
}

/// A comparison of a column (or aggregate) with values, and how many values each takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `=`, one value (`null` becomes `IS NULL`).
    Eq,
    /// `<>`, one value (`null` becomes `IS NOT NULL`).
    Ne,
    Gt,
    Gte,
    Lt,
    Lte,
    /// `IN (…)`, any number of values (none: always false).
    In,
    /// `NOT IN (…)`, any number of values (none: always true).
    Nin,
    /// `LIKE` with the caller's own wildcards, one text value.
    Like,
    NotLike,
    /// `LIKE 'value%'` with the value taken literally, one text value.
    Starts,
    Ends,
    Contains,
    /// `IS NULL`, no value.
    IsNull,
    /// `IS NOT NULL`, no value.
    NotNull,
    /// `BETWEEN low AND high`, two values, neither null.
    Between,
    /// Bit flags: `col = mask` on an integer column, one integer mask.
    BitEq,
    /// Bit flags: `col <> mask`.
    BitNe,
    /// Bit flags: every bit of the mask set, `(col & mask) = mask`; the mask is 0 or more.
    HasAll,
    /// Bit flags: some bit of the mask missing, `(col & mask) <> mask`.
    HasNotAll,
    /// Bit flags: some bit of the mask set, `(col & mask) > 0`.
    HasAny,
    /// Bit flags: no bit of the mask set, `(col & mask) = 0`.
    HasNone,
}

impl Op {
    /// The bit-flag operators, which take one integer mask and need an integer column.
    pub fn is_bit_flag(self) -> bool {
        matches!(self, Op::BitEq | Op::BitNe | Op::HasAll | Op::HasNotAll | Op::HasAny | Op::HasNone)
    }

    /// The operators that test `col & mask`, whose mask must not be negative.
    pub(crate) fn masks(self) -> bool {
        matches!(self, Op::HasAll | Op::HasNotAll | Op::HasAny | Op::HasNone)
    }

    /// The pattern operators, whose one value is text matched against the column's text.
    pub(crate) fn is_pattern(self) -> bool {
        matches!(self, Op::Like | Op::NotLike | Op::Starts | Op::Ends | Op::Contains)
    }
}

/// What a condition compares: a column, or (in `having`) an aggregate or an output alias.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Column(ColRef),
    Aggregate { func: AggFn, distinct: bool, arg: Option<ColRef>, path: String },
}

/// A condition of `where` or `having`.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    /// All of the parts; none is always true.
    And(Vec<Cond>),
    /// Any of the parts; none is always true as well (an empty group filters nothing).
    Or(Vec<Cond>),
    Not(Box<Cond>),
    /// A column or aggregate compared with values.
    Cmp {
        target: Target,
        op: Op,
        values: Vec<Scalar>,
        path: String,
    },
    /// A column compared with another column of the query's tables (`left op right`); both
    /// must have comparable type families.
    ColumnCmp {
        left: ColRef,
        op: CmpOp,
        right: ColRef,
        path: String,
    },
}

/// How a joined table is joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinKind {
    Inner,
    Left,
    Right,
    Full,
}

/// A comparison between two columns, as in join conditions and [`Cond::ColumnCmp`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Lte,
    Gt,
    Gte,
}

impl CmpOp {
    /// The operator's SQL text.
    pub fn sql(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "<>",
            CmpOp::Lt => "<",
            CmpOp::Lte => "<=",
            CmpOp::Gt => ">",
            CmpOp::Gte => ">=",
        }
    }
}

/// A joined table: `kind JOIN table alias ON on… `.
#[derive(Debug, Clone, PartialEq)]
pub struct JoinSpec {
    pub kind: JoinKind,
    pub table: String,
    pub alias: Option<String>,
    pub on: Vec<(ColRef, CmpOp, ColRef)>,
    pub columns: Vec<ColumnItem>,
    pub path: String,
}

/// One key of `orderBy`.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderItem {
    pub col: ColRef,
    pub desc: bool,
}

struct Parser {
    errors: Vec<Diagnostic>,
    conditions: usize,
}

fn is_alias(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && s.len() <= 64
}

/// A name as written in the DSL: non-empty, no whitespace, quotes, parentheses or control characters.
/// Whether it exists is checked against the catalog later.
fn is_name(s: &str) -> bool {
    !s.is_empty() && s.len() <= 128 && !s.chars().any(|c| c.is_whitespace() || c.is_control() || "()'\"`;,".contains(c))
}

impl Parser {
    fn err(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.errors.push(Diagnostic::new(path, message));
    }

    fn col_ref(&mut self, text: &str, path: &str) -> Option<ColRef> {
        let text = text.trim();
        let (qualifier, name) = match text.split_once('.') {
            Some((q, n)) => (Some(q), n),
            None => (None, text),
        };
        if !is_name(name) || qualifier.is_some_and(|q| !is_name(q)) || name.contains('.') {
            self.err(path, format!("{text:?} is not a column name (write name or alias.name)"));
            return None;
        }
        Some(ColRef { qualifier: qualifier.map(str::to_owned), name: name.to_owned(), path: path.to_owned() })
    }

    /// `count(*)`, `count(distinct x)`, `sum(x)`… without an alias.
    fn aggregate(&mut self, text: &str, path: &str) -> Option<Option<(AggFn, bool, Option<ColRef>)>> {
        let Some((func, rest)) = text.split_once('(') else {
            return Some(None);
        };
        let func = match func.trim().to_lowercase().as_str() {
            "count" => AggFn::Count,
            "sum" => AggFn::Sum,
            "avg" => AggFn::Avg,
            "min" => AggFn::Min,
            "max" => AggFn::Max,
            other => {
                self.err(path, format!("unknown function {other:?}: use count, sum, avg, min or max"));
                return None;
            }
        };
        let Some(inner) = rest.trim_end().strip_suffix(')') else {
            self.err(path, format!("{text:?}: missing closing parenthesis"));
            return None;
        };
        let inner = inner.trim();
        if inner == "*" {
            if func != AggFn::Count {
                self.err(path, "only count accepts *");
                return None;
            }
            return Some(Some((func, false, None)));
        }
        let (distinct, arg) = match inner.split_once(char::is_whitespace) {
            Some((kw, arg)) if kw.eq_ignore_ascii_case("distinct") => (true, arg.trim()),
            _ => (false, inner),
        };
        let col = self.col_ref(arg, path)?;
        Some(Some((func, distinct, Some(col))))
    }

    fn column_item(&mut self, value: &Value, path: &str) -> Option<ColumnItem> {
        let Some(text) = value.as_str() else {
            self.err(path, "must be a string such as \"id\", \"u.*\" or \"count(*) as n\"");
            return None;
        };
        let lower = text.to_lowercase();
        let (expr, alias) = match lower.rfind(" as ") {
            Some(i) => (text[..i].trim(), Some(text[i + 4..].trim())),
            None => (text.trim(), None),
        };
        if let Some(a) = alias
            && !is_alias(a)
        {
            self.err(path, format!("alias {a:?} must be letters, digits and _ (not starting with a digit)"));
            return None;
        }
        let alias = alias.map(str::to_owned);
        if expr == "*" {
            return Some(ColumnItem::All { qualifier: None, path: path.to_owned() });
        }
        if let Some(q) = expr.strip_suffix(".*") {
            if !is_name(q) {
                self.err(path, format!("{expr:?} is not a table alias followed by .*"));
                return None;
            }
            return Some(ColumnItem::All { qualifier: Some(q.to_owned()), path: path.to_owned() });
        }
        match self.aggregate(expr, path)? {
            Some((func, distinct, arg)) => {
                Some(ColumnItem::Aggregate { func, distinct, arg, alias, path: path.to_owned() })
            }
            None => Some(ColumnItem::Column { col: self.col_ref(expr, path)?, alias }),
        }
    }

    fn columns(&mut self, value: Option<&Value>, path: &str) -> Vec<ColumnItem> {
        match value {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => {
                items.iter().enumerate().filter_map(|(i, v)| self.column_item(v, &format!("{path}[{i}]"))).collect()
            }
            Some(_) => {
                self.err(path, "must be an array of column expressions");
                Vec::new()
            }
        }
    }

    fn scalar(&mut self, value: &Value, path: &str) -> Option<Scalar> {
        match value {
            Value::Null => Some(Scalar::Null),
            Value::Bool(b) => Some(Scalar::Bool(*b)),
            Value::Number(n) => match n.as_i64() {
                Some(i) => Some(Scalar::Int(i)),
                None => match n.as_f64() {
                    Some(f) if f.is_finite() => Some(Scalar::Float(f)),
                    _ => {
                        self.err(path, "number out of range");
                        None
                    }
                },
            },
            Value::String(s) => Some(Scalar::Text(s.clone())),
            _ => {
                self.err(path, "must be a string, number, boolean or null");
                None
            }
        }
    }

    fn list(&mut self, value: &Value, path: &str) -> Option<Vec<Scalar>> {
        let Some(items) = value.as_array() else {
            self.err(path, "must be an array of values");
            return None;
        };
        if items.len() > MAX_LIST {
            self.err(path, format!("at most {MAX_LIST} values"));
            return None;
        }
        let values: Vec<Option<Scalar>> =
            items.iter().enumerate().map(|(i, v)| self.scalar(v, &format!("{path}[{i}]"))).collect();
        values.into_iter().collect()
    }

    fn text(&mut self, value: &Value, path: &str) -> Option<Vec<Scalar>> {
        match value {
            Value::String(s) => Some(vec![Scalar::Text(s.clone())]),
            _ => {
                self.err(path, "must be a string");
                None
            }
        }
    }

    fn operator(&mut self, target: Target, op: &str, value: &Value, path: &str) -> Option<Cond> {
        // `{"a": {"$col": "b"}}` and `{"a": {"$gt": {"$col": "b"}}}` compare two columns.
        if op == "$col" {
            return self.column_compare(target, CmpOp::Eq, value, path);
        }
        if let Value::Object(m) = value
            && let (1, Some(other)) = (m.len(), m.get("$col"))
        {
            let cmp_op = match op {
                "$eq" => CmpOp::Eq,
                "$ne" => CmpOp::Ne,
                "$gt" => CmpOp::Gt,
                "$gte" => CmpOp::Gte,
                "$lt" => CmpOp::Lt,
                "$lte" => CmpOp::Lte,
                _ => {
                    self.err(path, format!("{op} cannot compare with a column; use $eq, $ne, $gt, $gte, $lt or $lte"));
                    return None;
                }
            };
            return self.column_compare(target, cmp_op, other, &format!("{path}.$col"));
        }
        let cmp = |op: Op, values: Vec<Scalar>| Cond::Cmp { target: target.clone(), op, values, path: path.to_owned() };
        let single = |p: &mut Parser, op: Op, null_op: Option<Op>| {
            let v = p.scalar(value, path)?;
            match (v, null_op) {
                (Scalar::Null, Some(n)) => Some(cmp(n, vec![])),
                (Scalar::Null, None) => {
                    p.err(path, "null cannot be ordered; use $null");
                    None
                }
                (v, _) => Some(cmp(op, vec![v])),
            }
        };
        match op {
            "$eq" => single(self, Op::Eq, Some(Op::IsNull)),
            "$ne" => single(self, Op::Ne, Some(Op::NotNull)),
            "$gt" => single(self, Op::Gt, None),
            "$gte" => single(self, Op::Gte, None),
            "$lt" => single(self, Op::Lt, None),
            "$lte" => single(self, Op::Lte, None),
            "$in" => Some(cmp(Op::In, self.list(value, path)?)),
            "$nin" => Some(cmp(Op::Nin, self.list(value, path)?)),
            "$like" => Some(cmp(Op::Like, self.text(value, path)?)),
            "$nlike" => Some(cmp(Op::NotLike, self.text(value, path)?)),
            "$starts" => Some(cmp(Op::Starts, self.text(value, path)?)),
            "$ends" => Some(cmp(Op::Ends, self.text(value, path)?)),
            "$contains" => Some(cmp(Op::Contains, self.text(value, path)?)),
            "$null" => match value {
                Value::Bool(true) => Some(cmp(Op::IsNull, vec![])),
                Value::Bool(false) => Some(cmp(Op::NotNull, vec![])),
                _ => {
                    self.err(path, "must be true or false");
                    None
                }
            },
            "$bitEq" => self.mask(value, path).map(|v| cmp(Op::BitEq, v)),
            "$bitNe" => self.mask(value, path).map(|v| cmp(Op::BitNe, v)),
            "$hasAll" => self.mask(value, path).map(|v| cmp(Op::HasAll, v)),
            "$hasNotAll" => self.mask(value, path).map(|v| cmp(Op::HasNotAll, v)),
            "$hasAny" => self.mask(value, path).map(|v| cmp(Op::HasAny, v)),
            "$hasNone" => self.mask(value, path).map(|v| cmp(Op::HasNone, v)),
            "$between" => {
                let values = self.list(value, path)?;
                if values.len() != 2 || values.contains(&Scalar::Null) {
                    self.err(path, "must be [low, high], neither null");
                    return None;
                }
                Some(cmp(Op::Between, values))
            }
            other => {
                self.err(path, format!("unknown operator {other:?}"));
                None
            }
        }
    }

    /// `left op right` where `right` names a column (`$col`).
    fn column_compare(&mut self, target: Target, op: CmpOp, other: &Value, path: &str) -> Option<Cond> {
        let Target::Column(left) = target else {
            self.err(path, "$col compares a column with a column, not an aggregate");
            return None;
        };
        let Some(other) = other.as_str() else {
            self.err(path, "$col takes a column name such as \"updatedAt\" or \"p.userId\"");
            return None;
        };
        let right = self.col_ref(other, path)?;
        Some(Cond::ColumnCmp { left, op, right, path: path.to_owned() })
    }

    /// The one mask of a bit-flag operator (typed as an integer against the column later).
    fn mask(&mut self, value: &Value, path: &str) -> Option<Vec<Scalar>> {
        match self.scalar(value, path)? {
            Scalar::Null => {
                self.err(path, "must be an integer mask, not null");
                None
            }
            v => Some(vec![v]),
        }
    }

    fn target(&mut self, key: &str, path: &str, allow_aggregates: bool) -> Option<Target> {
        if key.contains('(') {
            if !allow_aggregates {
                self.err(path, "aggregates belong in having, not where");
                return None;
            }
            let (func, distinct, arg) = self.aggregate(key, path)??;
            return Some(Target::Aggregate { func, distinct, arg, path: path.to_owned() });
        }
        self.col_ref(key, path).map(Target::Column)
    }

    fn condition(&mut self, value: &Value, path: &str, depth: usize, having: bool) -> Option<Cond> {
        if depth > MAX_DEPTH {
            self.err(path, format!("conditions nest deeper than {MAX_DEPTH} levels"));
            return None;
        }
        let Some(map) = value.as_object() else {
            self.err(path, "must be an object of conditions");
            return None;
        };
        let mut all = Vec::new();
        for (key, v) in map {
            let p = format!("{path}.{key}");
            self.conditions += 1;
            if self.conditions > MAX_CONDITIONS {
                self.err(&p, format!("more than {MAX_CONDITIONS} conditions"));
                return None;
            }
            match key.as_str() {
                "$and" | "$or" => {
                    let Some(items) = v.as_array().filter(|a| !a.is_empty()) else {
                        self.err(&p, "must be a non-empty array of condition objects");
                        continue;
                    };
                    let parts: Vec<Cond> = items
                        .iter()
                        .enumerate()
                        .filter_map(|(i, c)| self.condition(c, &format!("{p}[{i}]"), depth + 1, having))
                        .collect();
                    all.push(if key == "$and" { Cond::And(parts) } else { Cond::Or(parts) });
                }
                "$not" => {
                    if let Some(c) = self.condition(v, &p, depth + 1, having) {
                        all.push(Cond::Not(Box::new(c)));
                    }
                }
                k if k.starts_with('$') => {
                    self.err(&p, format!("unknown logical operator {k:?}: use $and, $or or $not"))
                }
                k => {
                    let Some(target) = self.target(k, &p, having) else {
                        continue;
                    };
                    match v {
                        Value::Object(ops) if ops.keys().all(|o| o.starts_with('$')) && !ops.is_empty() => {
                            for (op, arg) in ops {
                                if let Some(c) = self.operator(target.clone(), op, arg, &format!("{p}.{op}")) {
                                    all.push(c);
                                }
                            }
                        }
                        Value::Object(_) => self.err(&p, "must be a value or an object of $operators"),
                        Value::Array(_) => {
                            if let Some(c) = self.operator(target, "$in", v, &p) {
                                all.push(c);
                            }
                        }
                        scalar => {
                            if let Some(c) = self.operator(target, "$eq", scalar, &p) {
                                all.push(c);
                            }
                        }
                    }
                }
            }
        }
        Some(if all.len() == 1 { all.pop().expect("one") } else { Cond::And(all) })
    }

    fn order(&mut self, value: Option<&Value>, path: &str) -> Vec<OrderItem> {
        let items = match value {
            None | Some(Value::Null) => return Vec::new(),
            Some(Value::String(s)) => vec![Value::String(s.clone())],
            Some(Value::Array(a)) => a.clone(),
            Some(_) => {
                self.err(path, "must be an array such as [\"createdAt-\", \"name\"]");
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let p = format!("{path}[{i}]");
            let Some(text) = item.as_str().map(str::trim) else {
                self.err(&p, "must be a string: \"col\", \"col+\", \"col-\" or \"-col\"");
                continue;
            };
            let (name, desc) = if let Some(n) = text.strip_suffix('-') {
                (n, true)
            } else if let Some(n) = text.strip_prefix('-') {
                (n, true)
            } else if let Some(n) = text.strip_suffix('+') {
                (n, false)
            } else if let Some(n) = text.strip_prefix('+') {
                (n, false)
            } else {
                (text, false)
            };
            if let Some(col) = self.col_ref(name, &p) {
                out.push(OrderItem { col, desc });
            }
        }
        out
    }

    fn count(&mut self, value: Option<&Value>, path: &str) -> Option<u64> {
        match value {
            None | Some(Value::Null) => None,
            Some(v) => match v.as_u64() {
                Some(n) => Some(n),
                None => {
                    self.err(path, "must be a whole number, 0 or more");
                    None
                }
            },
        }
    }

    fn on(&mut self, value: Option<&Value>, path: &str) -> Vec<(ColRef, CmpOp, ColRef)> {
        let text = match value {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Object(m)) => {
                // {"u.id": "p.userId"} means u.id = p.userId.
                let mut out = Vec::new();
                for (k, v) in m {
                    let p = format!("{path}.{k}");
                    let (Some(l), Some(r)) = (self.col_ref(k, &p), v.as_str().and_then(|s| self.col_ref(s, &p))) else {
                        self.err(&p, "must map a column to a column");
                        continue;
                    };
                    out.push((l, CmpOp::Eq, r));
                }
                return out;
            }
            _ => {
                self.err(path, "is required: a condition such as \"u.id = p.userId\"");
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        // Split on AND (any case), then each part is `column op column`.
        let upper = text.to_uppercase();
        let mut parts = Vec::new();
        let mut start = 0;
        for (i, _) in upper.match_indices(" AND ") {
            parts.push(&text[start..i]);
            start = i + 5;
        }
        parts.push(&text[start..]);
        for part in parts {
            let part = part.trim();
            let op = ["<=", ">=", "<>", "!=", "=", "<", ">"].into_iter().find(|o| part.contains(o));
            let Some(op) = op else {
                self.err(path, format!("{part:?}: expected column = column"));
                continue;
            };
            let (l, r) = part.split_once(op).expect("contains op");
            let cmp = match op {
                "=" => CmpOp::Eq,
                "<>" | "!=" => CmpOp::Ne,
                "<" => CmpOp::Lt,
                "<=" => CmpOp::Lte,
                ">" => CmpOp::Gt,
                _ => CmpOp::Gte,
            };
            if let (Some(l), Some(r)) = (self.col_ref(l, path), self.col_ref(r, path)) {
                out.push((l, cmp, r));
            }
        }
        out
    }

    fn alias(&mut self, value: Option<&Value>, path: &str) -> Option<String> {
        match value {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if is_alias(s) => Some(s.clone()),
            Some(_) => {
                self.err(path, "must be letters, digits and _ (not starting with a digit)");
                None
            }
        }
    }

    fn join(&mut self, value: &Value, path: &str) -> Option<JoinSpec> {
        let Some(m) = value.as_object() else {
            self.err(path, "must be an object with type, table, alias and on");
            return None;
        };
        self.unknown_keys(m, &["type", "table", "alias", "on", "columns"], path);
        let kind = match m.get("type").and_then(Value::as_str).map(str::to_uppercase).as_deref() {
            None | Some("INNER") => JoinKind::Inner,
            Some("LEFT") => JoinKind::Left,
            Some("RIGHT") => JoinKind::Right,
            Some("FULL") => JoinKind::Full,
            Some(other) => {
                self.err(
                    format!("{path}.type"),
                    format!("unknown join type {other:?}: use INNER, LEFT, RIGHT or FULL"),
                );
                JoinKind::Inner
            }
        };
        let table = match m.get("table").and_then(Value::as_str) {
            Some(t) if is_name(t) => t.to_owned(),
            _ => {
                self.err(format!("{path}.table"), "is required: a table name");
                return None;
            }
        };
        let alias = self.alias(m.get("alias"), &format!("{path}.alias"));
        let on = self.on(m.get("on"), &format!("{path}.on"));
        let columns = self.columns(m.get("columns"), &format!("{path}.columns"));
        Some(JoinSpec { kind, table, alias, on, columns, path: path.to_owned() })
    }

    fn unknown_keys(&mut self, m: &Map<String, Value>, known: &[&str], path: &str) {
        for k in m.keys() {
            if !known.contains(&k.as_str()) {
                self.err(format!("{path}.{k}"), format!("unknown field (expected one of {})", known.join(", ")));
            }
        }
    }

    fn table(&mut self, value: &Value, path: &str) -> Option<TableQuery> {
        let Some(m) = value.as_object() else {
            self.err(path, "must be an object with at least a name");
            return None;
        };
        self.unknown_keys(
            m,
            &["name", "alias", "columns", "where", "joins", "groupBy", "having", "orderBy", "limit", "offset"],
            path,
        );
        let name = match m.get("name").and_then(Value::as_str) {
            Some(n) if is_name(n) => n.to_owned(),
            _ => {
                self.err(format!("{path}.name"), "is required: a table name");
                String::new()
            }
        };
        let alias = self.alias(m.get("alias"), &format!("{path}.alias"));
        let columns = self.columns(m.get("columns"), &format!("{path}.columns"));
        let filter = match m.get("where") {
            None | Some(Value::Null) => None,
            Some(w) => self.condition(w, &format!("{path}.where"), 0, false),
        };
        let joins = match m.get("joins") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => {
                items.iter().enumerate().filter_map(|(i, j)| self.join(j, &format!("{path}.joins[{i}]"))).collect()
            }
            Some(_) => {
                self.err(format!("{path}.joins"), "must be an array");
                Vec::new()
            }
        };
        let group_by = match m.get("groupBy") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .filter_map(|(i, g)| {
                    let p = format!("{path}.groupBy[{i}]");
                    match g.as_str() {
                        Some(s) => self.col_ref(s, &p),
                        None => {
                            self.err(p, "must be a column name");
                            None
                        }
                    }
                })
                .collect(),
            Some(_) => {
                self.err(format!("{path}.groupBy"), "must be an array of column names");
                Vec::new()
            }
        };
        let having = match m.get("having") {
            None | Some(Value::Null) => None,
            Some(h) => self.condition(h, &format!("{path}.having"), 0, true),
        };
        let order_by = self.order(m.get("orderBy"), &format!("{path}.orderBy"));
        let limit = self.count(m.get("limit"), &format!("{path}.limit"));
        let offset = self.count(m.get("offset"), &format!("{path}.offset"));
        Some(TableQuery {
            name,
            alias,
            columns,
            filter,
            joins,
            group_by,
            having,
            order_by,
            limit,
            offset,
            path: path.to_owned(),
        })
    }

    fn directives(&mut self, value: Option<&Value>) -> Directives {
        let mut d = Directives::default();
        let Some(value) = value.filter(|v| !v.is_null()) else {
            return d;
        };
        let Some(m) = value.as_object() else {
            self.err("directives", "must be an object");
            return d;
        };
        for (k, v) in m {
            let p = format!("directives.{k}");
            match (k.as_str(), v) {
                ("@cache", Value::Bool(b)) => d.cache_ttl = b.then_some(60),
                ("@cache", Value::Number(n)) if n.as_u64().is_some_and(|s| s > 0 && s <= 86_400) => {
                    d.cache_ttl = n.as_u64()
                }
                ("@cache", Value::Object(o)) => match o.get("ttl").and_then(Value::as_u64) {
                    Some(s) if s > 0 && s <= 86_400 => d.cache_ttl = Some(s),
                    _ => self.err(p, "ttl must be 1 to 86400 seconds"),
                },
                ("@cache", _) => self.err(p, "must be true, false, seconds or {\"ttl\": seconds}"),
                ("@total", Value::Bool(b)) => d.total = *b,
                ("@total", _) => self.err(p, "must be true or false"),
                _ => self.err(p, "unknown directive (expected @cache or @total)"),
            }
        }
        d
    }
}

/// Parses a query, reporting every problem with its path.
pub fn parse(value: &Value) -> Result<Query, Vec<Diagnostic>> {
    let mut p = Parser { errors: Vec::new(), conditions: 0 };
    let Some(m) = value.as_object() else {
        return Err(vec![Diagnostic::new("", "the query must be an object with tables")]);
    };
    p.unknown_keys(m, &["tables", "directives"], "query");
    let root = match m.get("tables") {
        Some(Value::Array(tables)) if tables.len() == 1 => p.table(&tables[0], "tables[0]"),
        Some(Value::Array(tables)) if tables.is_empty() => {
            p.err("tables", "needs one table");
            None
        }
        Some(Value::Array(_)) => {
            p.err("tables", "takes one root table; combine more with joins");
            None
        }
        _ => {
            p.err("tables", "is required: an array with one table");
            None
        }
    };
    let directives = p.directives(m.get("directives"));
    match root {
        Some(root) if p.errors.is_empty() => Ok(Query { root, directives }),
        _ => Err(p.errors),
    }
}
