//! Resolving a parsed query against the catalog: every table and column checked, `*` expanded,
//! values typed by their column, grouping rules enforced.

use crate::Diagnostic;
use crate::catalog::{Catalog, CatalogTable, TypeFamily};
use crate::diagnostic::closest;
use crate::dsl::{AggFn, CmpOp, ColRef, ColumnItem, Cond, Directives, JoinKind, MAX_DEPTH, Op, Query, Scalar, Target};
use crate::value::{comparable, typed};

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
    ColumnCmp { left: ColumnId, op: CmpOp, right: ColumnId },
}

/// How deep conditions may nest. The JSON parser stops at [`MAX_DEPTH`] levels of its own
/// (each of which may add an `And` around several keys); conditions built by other front doors
/// are held to the same bound here, so no input can exhaust the stack.
const MAX_NESTING: usize = 2 * MAX_DEPTH + 2;

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

    /// Types a value for its column, reporting a value that does not fit at `path`.
    fn typed(&mut self, value: &Scalar, family: TypeFamily, path: &str) -> Option<Scalar> {
        typed(value, family).map_err(|message| self.err(Diagnostic::new(path, message))).ok()
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
        self.cond_at(cond, default_table, aliases, 0)
    }

    fn cond_at(
        &mut self,
        cond: &Cond,
        default_table: usize,
        aliases: &[(String, SelectItem)],
        depth: usize,
    ) -> Option<PCond> {
        if depth > MAX_NESTING {
            let path = match cond {
                Cond::Cmp { path, .. } | Cond::ColumnCmp { path, .. } => path.as_str(),
                _ => "",
            };
            self.err(Diagnostic::new(path, format!("conditions nest deeper than {MAX_NESTING} levels")));
            return None;
        }
        let parts = |r: &mut Self, parts: &[Cond]| -> Vec<PCond> {
            parts.iter().filter_map(|c| r.cond_at(c, default_table, aliases, depth + 1)).collect()
        };
        match cond {
            Cond::And(ps) => Some(PCond::And(parts(self, ps))),
            Cond::Or(ps) => Some(PCond::Or(parts(self, ps))),
            Cond::Not(inner) => self.cond_at(inner, default_table, aliases, depth + 1).map(|c| PCond::Not(Box::new(c))),
            Cond::Cmp { target, op, values, path } => {
                let operand = self.operand(target, default_table, aliases)?;
                self.comparison(operand, *op, values, path)
            }
            Cond::ColumnCmp { left, op, right, path } => {
                let (left, right) = (self.column(left, default_table), self.column(right, default_table));
                let (left, right) = (left?, right?);
                if !comparable(left.family, right.family) {
                    self.err(Diagnostic::new(
                        path,
                        format!(
                            "{} ({:?}) cannot be compared with {} ({:?})",
                            left.name, left.family, right.name, right.family
                        ),
                    ));
                    return None;
                }
                Some(PCond::ColumnCmp { left, op: *op, right })
            }
        }
    }

    /// Checks an operator's values (how many, of which kind) and types them by the operand.
    /// The JSON parser only builds well-formed comparisons; other front doors build them by
    /// hand, so every shape is checked here, before the compiler relies on it.
    fn comparison(&mut self, operand: Operand, op: Op, values: &[Scalar], path: &str) -> Option<PCond> {
        let family = operand.family();
        let fail = |r: &mut Self, message: String| {
            r.err(Diagnostic::new(path, message));
            None
        };
        // As in the JSON DSL, `= null` means `IS NULL`.
        let (op, values) = match (op, values) {
            (Op::Eq, [Scalar::Null]) => (Op::IsNull, &[][..]),
            (Op::Ne, [Scalar::Null]) => (Op::NotNull, &[][..]),
            _ => (op, values),
        };
        match op {
            Op::IsNull | Op::NotNull => {
                if !values.is_empty() {
                    return fail(self, format!("{op:?} takes no value"));
                }
                return Some(PCond::Cmp { operand, op, values: Vec::new() });
            }
            Op::In | Op::Nin => {}
            Op::Between if values.len() != 2 || values.contains(&Scalar::Null) => {
                return fail(self, "must be [low, high], neither null".into());
            }
            Op::Between => {}
            _ if values.len() != 1 => return fail(self, format!("{op:?} takes exactly one value")),
            _ if op.is_pattern() => {
                if !matches!(values[0], Scalar::Text(_)) {
                    return fail(self, "must be a string".into());
                }
                return Some(PCond::Cmp { operand, op, values: values.to_vec() });
            }
            _ if values[0] == Scalar::Null => return fail(self, "null cannot be ordered; use $null".into()),
            _ if op.is_bit_flag() => {
                if family != TypeFamily::Integer {
                    return fail(self, format!("bit-flag operators need an integer column, not {family:?}"));
                }
                return match typed(&values[0], TypeFamily::Integer) {
                    Ok(Scalar::Int(mask)) if mask < 0 && op.masks() => {
                        fail(self, format!("the bit mask {mask} is negative; masks are 0 or more"))
                    }
                    Ok(mask @ Scalar::Int(_)) => Some(PCond::Cmp { operand, op, values: vec![mask] }),
                    _ => fail(self, format!("{:?} is not an integer mask", values[0])),
                };
            }
            _ => {}
        }
        let mut typed_values = Vec::with_capacity(values.len());
        for (i, v) in values.iter().enumerate() {
            let p = if values.len() > 1 { format!("{path}[{i}]") } else { path.to_owned() };
            typed_values.extend(self.typed(v, family, &p));
        }
        Some(PCond::Cmp { operand, op, values: typed_values })
    }
}

/// The path of `name` under `base`; a query built in code may leave its paths empty.
fn field(base: &str, name: &str) -> String {
    if base.is_empty() { name.to_owned() } else { format!("{base}.{name}") }
}

/// Checks a parsed query against the catalog, reporting every problem.
pub fn resolve(query: &Query, catalog: &Catalog) -> Result<Plan, Vec<Diagnostic>> {
    let mut r = Resolver { catalog, tables: Vec::new(), errors: Vec::new() };
    let root = &query.root;
    let Some(root_index) = r.add_table(&root.name, root.alias.as_deref(), &field(&root.path, "name")) else {
        return Err(r.errors);
    };
    let mut joins = Vec::new();
    let mut join_indexes = Vec::new();
    for j in &root.joins {
        let idx = r.add_table(&j.table, j.alias.as_deref(), &field(&j.path, "table"));
        join_indexes.push(idx);
        let Some(idx) = idx else { continue };
        if j.on.is_empty() {
            r.err(Diagnostic::new(field(&j.path, "on"), "a join needs a condition such as \"u.id = p.userId\""));
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
                    field(&root.path, "groupBy"),
                    format!("{alias}.{} is selected but neither grouped nor aggregated", col.name),
                ));
            }
        }
    }
    if having.is_some() && !aggregated && group_by.is_empty() {
        r.err(Diagnostic::new(field(&root.path, "having"), "having needs groupBy or an aggregate"));
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
                PCond::ColumnCmp { left, right, .. } => out.extend([left, right]),
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
