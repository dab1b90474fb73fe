//! The mutations: `create`, `update`, `delete`, `updateWithFieldBatch`, each call in one
//! transaction; with `onlyValidate` the transaction is rolled back.

use async_graphql::Value;
use query::write::{CompiledWrite, Delete, Insert, Update};

use crate::exec::{self, Exec, Read, Record, data_error, scalar_of};
use crate::model::Model;
use crate::oinone::{self, Level, OinoneError};

fn denied(exec: &Exec, model: &Model) -> Result<(), OinoneError> {
    if let Some(e) = &exec.write_denied {
        return Err(e.clone());
    }
    if exec.read_only_tables.iter().any(|t| t.eq_ignore_ascii_case(&model.table)) {
        return Err(OinoneError::new(
            oinone::NO_PERMISSION,
            format!("表 {} 只读 (this table is read-only)", model.table),
        ));
    }
    Ok(())
}

/// Problems with the fields of one record, all of them or (with `RETURN_WHEN_ERROR`) the first;
/// each names its field, for the form to show it there.
fn invalid(exec: &Exec, model: &Model, diags: Vec<query::Diagnostic>) -> OinoneError {
    let diags: Vec<_> = if exec.strategy.stop_at_first_error { diags.into_iter().take(1).collect() } else { diags };
    let field_of = |d: &query::Diagnostic| {
        d.path.rsplit('.').next().map(|c| {
            model.fields.iter().find(|f| f.column == c).map(|f| f.name.clone()).unwrap_or_else(|| c.to_owned())
        })
    };
    let text = diags.iter().map(|d| d.message.clone()).collect::<Vec<_>>().join("; ");
    let details = diags.iter().map(|d| (d.message.clone(), field_of(d))).collect();
    let e =
        OinoneError::new(oinone::VALIDATION, format!("数据校验失败 ({}: {text})", model.name)).with_details(details);
    match diags.first().and_then(field_of) {
        Some(f) => e.on_field(f),
        None => e,
    }
}

/// Column values of one record, in the order given.
type Values = Vec<(String, query::Scalar)>;

/// The record's given fields as (column, value), and its primary key values when all are given.
fn split(model: &Model, data: &Record) -> Result<(Values, Option<Values>), OinoneError> {
    let mut values = Vec::new();
    for (name, v) in data {
        let f = model.field(name.as_str()).ok_or_else(|| {
            OinoneError::new(oinone::VALIDATION, format!("模型 {} 没有字段 {name}", model.name)).on_field(name.as_str())
        })?;
        values.push((f.column.clone(), scalar_of(f, v)));
    }
    let key: Option<Vec<_>> = if model.primary_key.is_empty() {
        None
    } else {
        model
            .primary_key
            .iter()
            .map(|&i| {
                let col = &model.fields[i].column;
                values.iter().find(|(c, v)| c == col && *v != query::Scalar::Null).cloned()
            })
            .collect()
    };
    Ok((values, key))
}

fn key_filter(model: &Model, key: &[(String, query::Scalar)]) -> Vec<query::Cond> {
    key.iter()
        .map(|(col, v)| query::Cond::Cmp {
            target: query::Target::Column(query::ColRef::column(col.clone())),
            op: query::Op::Eq,
            values: vec![v.clone()],
            path: format!("{}.{col}", model.name),
        })
        .collect()
}

async fn reread(exec: &Exec, model: &Model, key: &[(String, query::Scalar)]) -> Result<Option<Value>, OinoneError> {
    let (rows, _) =
        exec::read(exec, model, Read { filter: key_filter(model, key), limit: Some(1), ..Read::default() }).await?;
    Ok(rows.into_iter().next())
}

/// The record as given, for answers that cannot be read back (validate-only, no primary key).
fn echo(model: &Model, data: &Record) -> Value {
    let mut map = async_graphql::indexmap::IndexMap::new();
    for f in &model.fields {
        map.insert(async_graphql::Name::new(&f.name), data.get(f.name.as_str()).cloned().unwrap_or(Value::Null));
    }
    Value::Object(map)
}

async fn run(exec: &Exec, statements: &[CompiledWrite]) -> Result<Vec<datasource::WriteOutcome>, OinoneError> {
    exec.pool.execute_writes(statements, !exec.strategy.only_validate, exec.timeout).await.map_err(data_error)
}

pub async fn create(exec: &Exec, model: &Model, data: &Record) -> Result<Value, OinoneError> {
    denied(exec, model)?;
    let (values, key) = split(model, data)?;
    let values: Vec<_> = values.into_iter().filter(|(_, v)| *v != query::Scalar::Null).collect();
    let statement =
        query::write::compile_insert(&Insert { table: model.table.clone(), values }, &exec.catalog, exec.dialect)
            .map_err(|d| invalid(exec, model, d))?;
    let returning = statement.returning.clone();
    let outcome = run(exec, std::slice::from_ref(&statement)).await?;
    if exec.strategy.only_validate {
        exec.message(Level::Info, "校验通过 (validated; nothing was saved)", model);
        return Ok(echo(model, data));
    }
    exec.message(Level::Success, "创建成功 (created)", model);
    // The key as the database assigned it, else as given.
    let key = match outcome.first().and_then(|o| o.returned.first()) {
        Some(row) if !returning.is_empty() => {
            Some(returning.iter().zip(row).map(|(c, v)| (c.clone(), json_scalar(v))).collect::<Vec<_>>())
        }
        _ => key,
    };
    match key {
        Some(k) => Ok(reread(exec, model, &k).await?.unwrap_or_else(|| echo(model, data))),
        None => Ok(echo(model, data)),
    }
}

fn json_scalar(v: &serde_json::Value) -> query::Scalar {
    match v {
        serde_json::Value::Null => query::Scalar::Null,
        serde_json::Value::Bool(b) => query::Scalar::Bool(*b),
        serde_json::Value::Number(n) => {
            n.as_i64().map(query::Scalar::Int).unwrap_or(query::Scalar::Text(n.to_string()))
        }
        serde_json::Value::String(s) => query::Scalar::Text(s.clone()),
        other => query::Scalar::Text(other.to_string()),
    }
}

fn update_statement(
    exec: &Exec,
    model: &Model,
    data: &Record,
) -> Result<(CompiledWrite, Vec<(String, query::Scalar)>), OinoneError> {
    let (values, key) = split(model, data)?;
    let key = key.ok_or_else(|| {
        let pk = model.primary_key.first().map(|&i| model.fields[i].name.clone()).unwrap_or_else(|| "id".into());
        OinoneError::new(oinone::VALIDATION, format!("更新需要主键 (update needs the primary key {pk:?})")).on_field(pk)
    })?;
    let set: Vec<_> = values.into_iter().filter(|(c, _)| !key.iter().any(|(k, _)| k == c)).collect();
    let statement = query::write::compile_update(
        &Update { table: model.table.clone(), set, key: key.clone() },
        &exec.catalog,
        exec.dialect,
    )
    .map_err(|d| invalid(exec, model, d))?;
    Ok((statement, key))
}

pub async fn update_many(exec: &Exec, model: &Model, list: Vec<&Record>) -> Result<Vec<Value>, OinoneError> {
    denied(exec, model)?;
    let mut statements = Vec::new();
    let mut keys = Vec::new();
    for data in &list {
        let (s, k) = update_statement(exec, model, data)?;
        statements.push(s);
        keys.push(k);
    }
    let outcomes = run(exec, &statements).await?;
    if let Some(missing) = outcomes.iter().position(|o| o.affected == 0) {
        return Err(OinoneError::new(oinone::VALIDATION, format!("记录不存在 (record {} was not found)", missing + 1)));
    }
    if exec.strategy.only_validate {
        exec.message(Level::Info, "校验通过 (validated; nothing was saved)", model);
        return Ok(list.iter().map(|d| echo(model, d)).collect());
    }
    exec.message(Level::Success, "更新成功 (updated)", model);
    let mut out = Vec::new();
    for (k, d) in keys.iter().zip(&list) {
        out.push(reread(exec, model, k).await?.unwrap_or_else(|| echo(model, d)));
    }
    Ok(out)
}

pub async fn delete(exec: &Exec, model: &Model, list: Vec<&Record>) -> Result<Vec<Value>, OinoneError> {
    denied(exec, model)?;
    let mut statements = Vec::new();
    let mut before = Vec::new();
    for data in &list {
        let (_, key) = split(model, data)?;
        let key =
            key.ok_or_else(|| OinoneError::new(oinone::VALIDATION, "删除需要主键 (delete needs the primary key)"))?;
        before.push(reread(exec, model, &key).await?.unwrap_or_else(|| echo(model, data)));
        statements.push(
            query::write::compile_delete(&Delete { table: model.table.clone(), key }, &exec.catalog, exec.dialect)
                .map_err(|d| invalid(exec, model, d))?,
        );
    }
    run(exec, &statements).await?;
    if !exec.strategy.only_validate {
        exec.message(Level::Success, "删除成功 (deleted)", model);
    }
    Ok(before)
}
