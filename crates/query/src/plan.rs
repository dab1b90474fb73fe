//! Resolving a parsed query against the catalog: every table and column checked, `*` expanded,
//! values typed by their column, grouping rules enforced.

use crate::Diagnostic;
use crate::catalog::{Catalog, CatalogTable, TypeFamily};
use crate::diagnostic::closest;
use crate::dsl::{AggFn, CmpOp, ColRef, ColumnItem, Cond, Directives, JoinKind, Op, Query, Scalar, Target};

/// A checked column: which table (index into `Plan::tables`), its name and type family.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnId {
    pub table: usize,
    pub name: String,
    pub family: TypeFamily,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlanTable {
    pub name: String,
    /// The alias used in SQL: the given one, or the table name.
    pub alias: String,
    pub explicit_alias: bool,
    pub rows: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SelectItem {
    Column { col: ColumnId, alias: Option<String> },
    Aggregate { func: AggFn, distinct: bool, arg: Option<ColumnId>, alias: Option<String> },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Column(ColumnId),
    Aggregate { func: AggFn, distinct: bool, arg: Option<ColumnId> },
}

impl Operand {
    /// How values compared with this operand are typed and bound: a column's own family;
    /// counts are integers, `min`/`max` keep their column's family, other aggregates are numbers.
    pub fn family(&self) -> TypeFamily {
        match self {
            Operand::Column(c) => c.family,
            Operand::Aggregate { func: AggFn::Count, .. } => TypeFamily::Integer,
            Operand::Aggregate { arg: Some(c), func: AggFn::Min | AggFn::Max, .. } => c.family,
            Operand::Aggregate { .. } => TypeFamily::Float,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum PCond {
    And(Vec<PCond>),
    Or(Vec<PCond>),
    Not(Box<PCond>),
    Cmp { operand: Operand, op: Op, values: Vec<Scalar> },
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlanJoin {
    pub kind: JoinKind,
    pub table: usize,
    pub on: Vec<(ColumnId, CmpOp, ColumnId)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum OrderKey {
    Column(ColumnId),
    /// An output alias from `columns`.
    Alias(String),
}

/// A query whose every name exists: ready to compile for any dialect.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub tables: Vec<PlanTable>,
    pub joins: Vec<PlanJoin>,
    pub select: Vec<SelectItem>,
    pub filter: Option<PCond>,
    pub group_by: Vec<ColumnId>,
    pub having: Option<PCond>,
    pub order_by: Vec<(OrderKey, bool)>,
    pub limit: Option<u64>,
    pub offset: Option<u64>,
    pub directives: Directives,
}

struct Resolver<'a> {
    catalog: &'a Catalog,
    tables: Vec<(&'a CatalogTable, PlanTable)>,
    errors: Vec<Diagnostic>,
}

impl<'a> Resolver<'a> {
    fn err(&mut self, d: Diagnostic) {
        self.errors.push(d);
    }

    fn add_table(&mut self, name: &str, alias: Option<&str>, path: &str) -> Option<usize> {
        let Some(table) = self.catalog.table(name) else {
            let suggestion = closest(name, self.catalog.tables.iter().map(|t| t.name.as_str()));
            self.err(Diagnostic::new(path, format!("unknown table {name:?}")).with_suggestion(suggestion));
            return None;
        };
        let alias_name = alias.unwrap_or(name).to_owned();
        if self.tables.iter().any(|(_, t)| t.alias == alias_name) {
            self.err(Diagnostic::new(
                path,
                format!("the alias {alias_name:?} is used twice; give the table another alias"),
            ));
            return None;
        }
        self.tables.push((
            table,
            PlanTable { name: name.to_owned(), alias: alias_name, explicit_alias: alias.is_some(), rows: table.rows },
        ));
        Some(self.tables.len() - 1)
    }

    /// Resolves a column; unqualified names belong to `default_table`.
    fn column(&mut self, col: &ColRef, default_table: usize) -> Option<ColumnId> {
        let index = match &col.qualifier {
            None => default_table,
            Some(q) => match self.tables.iter().position(|(_, t)| &t.alias == q) {
                Some(i) => i,
                None => {
                    let suggestion = closest(q, self.tables.iter().map(|(_, t)| t.alias.as_str()));
                    self.err(
                        Diagnostic::new(&col.path, format!("unknown table alias {q:?}")).with_suggestion(suggestion),
                    );
                    return None;
                }
            },
        };
        let (table, plan_table) = &self.tables[index];
        match table.column(&col.name) {
            Some(c) => Some(ColumnId { table: index, name: c.name.clone(), family: c.family }),
            None => {
                let suggestion = closest(&col.name, table.columns.iter().map(|c| c.name.as_str()));
                let message = format!("unknown column {:?} in {:?}", col.name, plan_table.name);
                self.err(Diagnostic::new(&col.path, message).with_suggestion(suggestion));
                None
            }
        }
    }

    fn all_columns(&self, table: usize) -> Vec<SelectItem> {
        self.tables[table]
            .0
            .columns
            .iter()
            .map(|c| SelectItem::Column {
                col: ColumnId { table, name: c.name.clone(), family: c.family },
                alias: None,
            })
            .collect()
    }

    fn items(&mut self, items: &[ColumnItem], default_table: usize, out: &mut Vec<SelectItem>) {
        for item in items {
            match item {
                ColumnItem::All { qualifier: None, .. } => out.extend(self.all_columns(default_table)),
                ColumnItem::All { qualifier: Some(q), path } => {
                    match self.tables.iter().position(|(_, t)| &t.alias == q) {
                        Some(i) => out.extend(self.all_columns(i)),
                        None => {
                            let suggestion = closest(q, self.tables.iter().map(|(_, t)| t.alias.as_str()));
                            self.err(
                                Diagnostic::new(path, format!("unknown table alias {q:?}")).with_suggestion(suggestion),
                            );
                        }
                    }
                }
                ColumnItem::Column { col, alias } => {
                    if let Some(c) = self.column(col, default_table) {
                        out.push(SelectItem::Column { col: c, alias: alias.clone() });
                    }
                }
                ColumnItem::Aggregate { func, distinct, arg, alias, .. } => {
                    let arg_id = match arg {
                        Some(a) => match self.column(a, default_table) {
                            Some(c) => Some(c),
                            None => continue,
                        },
                        None => None,
                    };
                    out.push(SelectItem::Aggregate {
                        func: *func,
                        distinct: *distinct,
                        arg: arg_id,
                        alias: alias.clone(),
                    });
                }
            }
        }
    }

    /// Types a value for its column: numbers for numeric columns, text for text columns.
    fn typed(&mut self, value: &Scalar, family: TypeFamily, path: &str) -> Option<Scalar> {
        let bad = |this: &mut Self, what: &str| {
            this.err(Diagnostic::new(path, format!("{value:?} is not {what}")));
            None
        };
        match (family, value) {
            (_, Scalar::Null) => Some(Scalar::Null),
            (TypeFamily::Integer, Scalar::Int(_)) => Some(value.clone()),
            (TypeFamily::Integer, Scalar::Bool(b)) => Some(Scalar::Int(i64::from(*b))),
            (TypeFamily::Integer, Scalar::Text(t)) => match t.trim().parse::<i64>() {
                Ok(i) => Some(Scalar::Int(i)),
                Err(_) => bad(self, "an integer"),
            },
            (TypeFamily::Integer, Scalar::Float(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                Some(Scalar::Int(*f as i64))
            }
            (TypeFamily::Integer, Scalar::Float(_)) => Some(value.clone()),
            (TypeFamily::Decimal, Scalar::Int(_) | Scalar::Float(_)) => Some(value.clone()),
            (TypeFamily::Decimal | TypeFamily::Float, Scalar::Text(t)) => match t.trim().parse::<f64>() {
                // Exact decimals stay text so no digit is lost in binding.
                Ok(_) if family == TypeFamily::Decimal => Some(Scalar::Text(t.trim().to_owned())),
                Ok(f) => Some(Scalar::Float(f)),
                Err(_) => bad(self, "a number"),
            },
            (TypeFamily::Float, Scalar::Int(i)) => Some(Scalar::Float(*i as f64)),
            (TypeFamily::Float, Scalar::Float(_)) => Some(value.clone()),
            (TypeFamily::Boolean, Scalar::Bool(_)) => Some(value.clone()),
            (TypeFamily::Boolean, Scalar::Int(i @ (0 | 1))) => Some(Scalar::Bool(*i == 1)),
            (TypeFamily::Boolean, Scalar::Text(t)) => match t.to_lowercase().as_str() {
                "true" | "1" | "yes" => Some(Scalar::Bool(true)),
                "false" | "0" | "no" => Some(Scalar::Bool(false)),
                _ => bad(self, "a boolean"),
            },
            (TypeFamily::Boolean, _) => bad(self, "a boolean"),
            (
                TypeFamily::Date | TypeFamily::Time | TypeFamily::Timestamp | TypeFamily::TimestampTz,
                Scalar::Text(t),
            ) => {
                if t.trim().starts_with(|c: char| c.is_ascii_digit()) && t.len() <= 40 {
                    Some(Scalar::Text(t.trim().to_owned()))
                } else {
                    bad(self, "a date or time such as 2024-01-01 or 2024-01-01T12:00:00Z")
                }
            }
            (TypeFamily::Date | TypeFamily::Time | TypeFamily::Timestamp | TypeFamily::TimestampTz, _) => {
                bad(self, "a date or time string")
            }
            (TypeFamily::Uuid, Scalar::Text(t)) if t.len() == 36 || t.len() == 32 => Some(value.clone()),
            (TypeFamily::Uuid, _) => bad(self, "a UUID"),
            (TypeFamily::Text, Scalar::Int(i)) => Some(Scalar::Text(i.to_string())),
            (TypeFamily::Text, Scalar::Float(f)) => Some(Scalar::Text(f.to_string())),
            (TypeFamily::Text, Scalar::Bool(b)) => Some(Scalar::Text(b.to_string())),
            _ => Some(value.clone()),
        }
    }

    fn operand(&mut self, target: &Target, default_table: usize, aliases: &[(String, SelectItem)]) -> Option<Operand> {
        match target {
            Target::Column(col) => {
                // In having, an unqualified name may be an output alias such as `total`.
                if col.qualifier.is_none()
                    && let Some((_, SelectItem::Aggregate { func, distinct, arg, .. })) =
                        aliases.iter().find(|(a, _)| *a == col.name)
                {
                    return Some(Operand::Aggregate { func: *func, distinct: *distinct, arg: arg.clone() });
                }
                self.column(col, default_table).map(Operand::Column)
            }
            Target::Aggregate { func, distinct, arg, .. } => {
                let arg = match arg {
                    Some(a) => Some(self.column(a, default_table)?),
                    None => None,
                };
                Some(Operand::Aggregate { func: *func, distinct: *distinct, arg })
            }
        }
    }

    fn cond(&mut self, cond: &Cond, default_table: usize, aliases: &[(String, SelectItem)]) -> Option<PCond> {
        match cond {
            Cond::And(parts) => {
                Some(PCond::And(parts.iter().filter_map(|c| self.cond(c, default_table, aliases)).collect()))
            }
            Cond::Or(parts) => {
                Some(PCond::Or(parts.iter().filter_map(|c| self.cond(c, default_table, aliases)).collect()))
            }
            Cond::Not(inner) => self.cond(inner, default_table, aliases).map(|c| PCond::Not(Box::new(c))),
            Cond::Cmp { target, op, values, path } => {
                let operand = self.operand(target, default_table, aliases)?;
                let family = operand.family();
                let pattern_op = matches!(op, Op::Like | Op::NotLike | Op::Starts | Op::Ends | Op::Contains);
                let mut typed = Vec::with_capacity(values.len());
                for (i, v) in values.iter().enumerate() {
                    let p = if values.len() > 1 { format!("{path}[{i}]") } else { path.clone() };
                    let t = if pattern_op { Some(v.clone()) } else { self.typed(v, family, &p) };
                    typed.extend(t);
                }
                Some(PCond::Cmp { operand, op: *op, values: typed })
            }
        }
    }
}

/// Checks a parsed query against the catalog, reporting every problem.
pub fn resolve(query: &Query, catalog: &Catalog) -> Result<Plan, Vec<Diagnostic>> {
    let mut r = Resolver { catalog, tables: Vec::new(), errors: Vec::new() };
    let root = &query.root;
    let Some(root_index) = r.add_table(&root.name, root.alias.as_deref(), &format!("{}.name", root.path)) else {
        return Err(r.errors);
    };
    let mut joins = Vec::new();
    let mut join_indexes = Vec::new();
    for j in &root.joins {
        let idx = r.add_table(&j.table, j.alias.as_deref(), &format!("{}.table", j.path));
        join_indexes.push(idx);
        let Some(idx) = idx else { continue };
        if j.on.is_empty() {
            r.err(Diagnostic::new(format!("{}.on", j.path), "a join needs a condition such as \"u.id = p.userId\""));
        }
        let on: Vec<(ColumnId, CmpOp, ColumnId)> =
            j.on.iter()
                .filter_map(|(l, op, rt)| {
                    let l = r.column(l, root_index)?;
                    let rt = r.column(rt, idx)?;
                    Some((l, *op, rt))
                })
                .collect();
        joins.push(PlanJoin { kind: j.kind, table: idx, on });
    }

    let mut select = Vec::new();
    if root.columns.is_empty() {
        select.extend(r.all_columns(root_index));
    } else {
        r.items(&root.columns, root_index, &mut select);
    }
    for (j, idx) in root.joins.iter().zip(&join_indexes) {
        let Some(idx) = *idx else { continue };
        if j.columns.is_empty() {
            // The seed's `p.*`: a joined table contributes all of its columns unless the root
            // table's column list already names some of them.
            let named = root.columns.iter().any(|c| match c {
                ColumnItem::Column { col, .. } => col.qualifier.as_deref() == Some(r.tables[idx].1.alias.as_str()),
                ColumnItem::All { qualifier, .. } => qualifier.as_deref() == Some(r.tables[idx].1.alias.as_str()),
                ColumnItem::Aggregate { .. } => true,
            });
            if !named {
                select.extend(r.all_columns(idx));
            }
        } else {
            r.items(&j.columns, idx, &mut select);
        }
    }

    let aliases: Vec<(String, SelectItem)> = select
        .iter()
        .filter_map(|s| match s {
            SelectItem::Column { alias: Some(a), .. } | SelectItem::Aggregate { alias: Some(a), .. } => {
                Some((a.clone(), s.clone()))
            }
            _ => None,
        })
        .collect();
    let filter = root.filter.as_ref().and_then(|f| r.cond(f, root_index, &[]));
    let group_by: Vec<ColumnId> = root.group_by.iter().filter_map(|g| r.column(g, root_index)).collect();
    let having = root.having.as_ref().and_then(|h| r.cond(h, root_index, &aliases));
    let mut order_by = Vec::new();
    for o in &root.order_by {
        if o.col.qualifier.is_none() && aliases.iter().any(|(a, _)| *a == o.col.name) {
            order_by.push((OrderKey::Alias(o.col.name.clone()), o.desc));
        } else if let Some(c) = r.column(&o.col, root_index) {
            order_by.push((OrderKey::Column(c), o.desc));
        }
    }

    // With grouping, every plain selected column must be grouped (PostgreSQL and MySQL's
    // ONLY_FULL_GROUP_BY both insist, so Quarry does on every dialect).
    let aggregated = select.iter().any(|s| matches!(s, SelectItem::Aggregate { .. }));
    if (aggregated || !group_by.is_empty()) && r.errors.is_empty() {
        for s in &select {
            if let SelectItem::Column { col, .. } = s
                && !group_by.contains(col)
            {
                let alias = &r.tables[col.table].1.alias;
                r.err(Diagnostic::new(
                    format!("{}.groupBy", root.path),
                    format!("{alias}.{} is selected but neither grouped nor aggregated", col.name),
                ));
            }
        }
    }
    if having.is_some() && !aggregated && group_by.is_empty() {
        r.err(Diagnostic::new(format!("{}.having", root.path), "having needs groupBy or an aggregate"));
    }
    if !r.errors.is_empty() {
        return Err(r.errors);
    }
    Ok(Plan {
        tables: r.tables.into_iter().map(|(_, t)| t).collect(),
        joins,
        select,
        filter,
        group_by,
        having,
        order_by,
        limit: root.limit,
        offset: root.offset,
        directives: query.directives.clone(),
    })
}

/// A column the query filters, joins or sorts on, for index advice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnUse {
    /// `filter`, `join` or `sort`.
    pub usage: &'static str,
    pub table: String,
    pub column: String,
}

impl Plan {
    /// Every column used to filter, join or sort, each once per use.
    pub fn column_uses(&self) -> Vec<ColumnUse> {
        let mut out: Vec<ColumnUse> = Vec::new();
        let mut push = |usage: &'static str, c: &ColumnId| {
            let u = ColumnUse { usage, table: self.tables[c.table].name.clone(), column: c.name.clone() };
            if !out.contains(&u) {
                out.push(u);
            }
        };
        fn walk<'a>(c: &'a PCond, out: &mut Vec<&'a ColumnId>) {
            match c {
                PCond::And(p) | PCond::Or(p) => p.iter().for_each(|c| walk(c, out)),
                PCond::Not(c) => walk(c, out),
                PCond::Cmp { operand: Operand::Column(col), .. } => out.push(col),
                PCond::Cmp { .. } => {}
            }
        }
        let mut filtered = Vec::new();
        if let Some(f) = &self.filter {
            walk(f, &mut filtered);
        }
        for c in filtered {
            push("filter", c);
        }
        for j in &self.joins {
            for (l, _, r) in &j.on {
                push("join", l);
                push("join", r);
            }
        }
        for (key, _) in &self.order_by {
            if let OrderKey::Column(c) = key {
                push("sort", c);
            }
        }
        out
    }
}
