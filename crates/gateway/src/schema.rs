//! The GraphQL schema of a module, generated from its models: `QueryType` with `{model}Query`,
//! `MutationType` with `{model}Mutation`, and per model `{Name}`, `{Name}Input`, `{Name}Page`,
//! `{Name}CondInput`. Built once per schema version and cached by the gateway.

use std::sync::Arc;

use async_graphql::Value;
use async_graphql::dynamic::{
    Enum, Field, FieldFuture, FieldValue, InputObject, InputValue, Object, ResolverContext, Scalar, Schema,
    SchemaError, TypeRef,
};

use crate::exec::{self, Exec, Page, Read, Record};
use crate::model::{Model, Module};
use crate::oinone::OinoneError;
use crate::write;

/// Scalars as the real server registers them, plus the published page's names as aliases.
const SCALARS: &[&str] = &[
    "Long",
    "BigDecimal",
    "Money",
    "Date",
    "Html",
    "Map",
    "Object",
    "Void",
    "Short",
    "DOUBLE",
    "Double",
    "Obj",
    "BigInteger",
];

fn exec<'a>(ctx: &ResolverContext<'a>) -> async_graphql::Result<&'a Arc<Exec>> {
    ctx.data::<Arc<Exec>>()
}

fn obj<'a>(ctx: &'a ResolverContext<'a>, name: &str) -> Option<&'a Record> {
    match ctx.args.get(name).map(|v| v.as_value()) {
        Some(Value::Object(map)) => Some(map),
        _ => None,
    }
}

fn list<'a>(ctx: &'a ResolverContext<'a>, name: &str) -> Vec<&'a Record> {
    match ctx.args.get(name).map(|v| v.as_value()) {
        Some(Value::List(items)) => items
            .iter()
            .filter_map(|v| match v {
                Value::Object(map) => Some(map),
                _ => None,
            })
            .collect(),
        Some(Value::Object(one)) => vec![one],
        _ => Vec::new(),
    }
}

fn rows(values: Vec<Value>) -> FieldValue<'static> {
    FieldValue::list(values.into_iter().map(FieldValue::value))
}

/// Builds the schema of a module. Tables without usable fields were left out by [`Module`].
pub fn build(module: &Module, code: &str) -> Result<Schema, SchemaError> {
    let mut query = Object::new("QueryType");
    let mut mutation = Object::new("MutationType");
    let module_code = code.to_owned();
    // A root type needs at least one field even when the datasource has no tables.
    query = query.field(Field::new("module", TypeRef::named_nn(TypeRef::STRING), move |_| {
        FieldFuture::from_value(Some(Value::String(module_code.clone())))
    }));
    let mut builder_types: Vec<async_graphql::dynamic::Type> = Vec::new();
    for s in SCALARS {
        builder_types.push(Scalar::new(*s).into());
    }
    builder_types.push(Enum::new("SortDirectionEnum").item("ASC").item("DESC").into());
    builder_types.push(
        InputObject::new("SortOrderInput")
            .field(InputValue::new("field", TypeRef::named_nn(TypeRef::STRING)))
            .field(InputValue::new("direction", TypeRef::named("SortDirectionEnum")))
            .into(),
    );
    builder_types.push(
        InputObject::new("SortInput").field(InputValue::new("orders", TypeRef::named_list("SortOrderInput"))).into(),
    );
    builder_types.push(
        InputObject::new("Pagination")
            .field(InputValue::new("currentPage", TypeRef::named(TypeRef::INT)))
            .field(InputValue::new("size", TypeRef::named(TypeRef::INT)))
            .field(InputValue::new("pageSize", TypeRef::named(TypeRef::INT)))
            .field(InputValue::new("sort", TypeRef::named("SortInput")))
            .field(InputValue::new("groupBy", TypeRef::named(TypeRef::STRING)))
            .field(InputValue::new("aggs", TypeRef::named("Map")))
            .field(InputValue::new("needPage", TypeRef::named(TypeRef::BOOLEAN)))
            .field(InputValue::new("totalElements", TypeRef::named("Long")))
            .field(InputValue::new("totalPages", TypeRef::named(TypeRef::INT)))
            .into(),
    );
    for m in &module.models {
        let model = Arc::new(m.clone());
        let (types, q, mu) = model_types(model.clone());
        builder_types.extend(types);
        let t = m.type_name.clone();
        query = query.field(Field::new(format!("{}Query", m.name), TypeRef::named_nn(format!("{t}Query")), |_| {
            FieldFuture::Value(Some(FieldValue::owned_any(())))
        }));
        mutation = mutation.field(Field::new(
            format!("{}Mutation", m.name),
            TypeRef::named_nn(format!("{t}Mutation")),
            |_| FieldFuture::Value(Some(FieldValue::owned_any(()))),
        ));
        builder_types.push(q.into());
        builder_types.push(mu.into());
    }
    let has_models = !module.models.is_empty();
    let mut builder = Schema::build("QueryType", has_models.then_some("MutationType"), None)
        .register(query)
        .limit_depth(16)
        .limit_complexity(20_000);
    if has_models {
        builder = builder.register(mutation);
    }
    for t in builder_types {
        builder = builder.register(t);
    }
    builder.finish()
}

fn model_types(model: Arc<Model>) -> (Vec<async_graphql::dynamic::Type>, Object, Object) {
    let t = model.type_name.clone();
    let mut output = Object::new(&t);
    let mut input = InputObject::new(format!("{t}Input"));
    for f in &model.fields {
        let name = f.name.clone();
        output = output.field(Field::new(&f.name, TypeRef::named(f.scalar.type_name()), move |ctx| {
            let v = match ctx.parent_value.as_value() {
                Some(Value::Object(map)) => map.get(name.as_str()).cloned(),
                _ => None,
            };
            FieldFuture::from_value(v)
        }));
        input = input.field(InputValue::new(&f.name, TypeRef::named(f.scalar.type_name())));
    }
    let page = Object::new(format!("{t}Page"))
        .field(Field::new("content", TypeRef::named_list(&t), |ctx| FieldFuture::Value(page_part(&ctx, "content"))))
        .field(Field::new("size", TypeRef::named(TypeRef::INT), |ctx| FieldFuture::Value(page_part(&ctx, "size"))))
        .field(Field::new("currentPage", TypeRef::named(TypeRef::INT), |ctx| {
            FieldFuture::Value(page_part(&ctx, "currentPage"))
        }))
        .field(Field::new("totalPages", TypeRef::named(TypeRef::INT), |ctx| {
            FieldFuture::Value(page_part(&ctx, "totalPages"))
        }))
        .field(Field::new("totalElements", TypeRef::named("Long"), |ctx| {
            FieldFuture::Value(page_part(&ctx, "totalElements"))
        }));
    let cond = InputObject::new(format!("{t}CondInput"))
        .field(InputValue::new("rsql", TypeRef::named(TypeRef::STRING)))
        .field(InputValue::new("queryData", TypeRef::named("Map")))
        .field(InputValue::new("selects", TypeRef::named_list(TypeRef::STRING)))
        .field(InputValue::new("updateEntity", TypeRef::named(format!("{t}Input"))));

    let q = query_functions(&model);
    let mu = mutation_functions(&model);
    (vec![output.into(), input.into(), page.into(), cond.into()], q, mu)
}

/// The page object is held as a JSON-like map; its `content` as rows.
fn page_part<'a>(ctx: &ResolverContext<'a>, key: &str) -> Option<FieldValue<'a>> {
    let page = ctx.parent_value.downcast_ref::<PageValue>()?;
    Some(match key {
        "content" => FieldValue::list(page.content.iter().cloned().map(FieldValue::value)),
        "size" => FieldValue::value(page.size),
        "currentPage" => FieldValue::value(page.current),
        "totalPages" => FieldValue::value(page.total_pages),
        _ => FieldValue::value(Value::String(page.total_elements.to_string())),
    })
}

struct PageValue {
    content: Vec<Value>,
    size: i64,
    current: i64,
    total_pages: i64,
    total_elements: i64,
}

macro_rules! resolver {
    ($model:expr, |$ctx:ident, $exec:ident, $m:ident| $body:expr) => {{
        let model = $model.clone();
        move |$ctx: ResolverContext<'_>| {
            let $m = model.clone();
            FieldFuture::new(async move {
                let $exec = exec(&$ctx)?.clone();
                let result: Result<Option<FieldValue<'_>>, OinoneError> = async { $body }.await;
                result.map_err(async_graphql::Error::from)
            })
        }
    }};
}

fn query_functions(model: &Arc<Model>) -> Object {
    let t = model.type_name.clone();
    let input = format!("{t}Input");
    let cond = format!("{t}CondInput");
    Object::new(format!("{t}Query"))
        .field(
            Field::new(
                "queryPage",
                TypeRef::named_nn(format!("{t}Page")),
                resolver!(model, |ctx, ex, m| {
                    let page = Page::parse(obj(&ctx, "page"))?;
                    let mut filter = exec::wrapper_filter(&ex, &m, obj(&ctx, "queryWrapper"))?;
                    filter.extend(exec::entity_filter(&m, obj(&ctx, "query"))?);
                    let (limit, offset) = match page.size {
                        Some(size) => (Some(size), Some((page.current - 1) * size)),
                        None => (None, None),
                    };
                    let mut order = page.order;
                    if order.is_empty() && page.size.is_some() {
                        // A stable order, so pages neither repeat nor skip rows.
                        order = m.primary_key.iter().map(|&i| (m.fields[i].name.clone(), false)).collect();
                    }
                    let (content, total) =
                        exec::read(&ex, &m, Read { filter, order, limit, offset, total: page.size.is_some() }).await?;
                    let size = page.size.map(|s| s as i64).unwrap_or(content.len() as i64);
                    let total_elements = total.unwrap_or(content.len() as i64);
                    let total_pages = if size > 0 { (total_elements + size - 1) / size } else { 1 };
                    Ok(Some(FieldValue::owned_any(PageValue {
                        content,
                        size,
                        current: page.current as i64,
                        total_pages,
                        total_elements,
                    })))
                }),
            )
            .argument(InputValue::new("page", TypeRef::named("Pagination")))
            .argument(InputValue::new("queryWrapper", TypeRef::named(&cond)))
            .argument(InputValue::new("query", TypeRef::named(&input))),
        )
        .field(
            Field::new(
                "queryOne",
                TypeRef::named(&t),
                resolver!(model, |ctx, ex, m| {
                    let filter = exec::entity_filter(&m, obj(&ctx, "query"))?;
                    let (rows, _) = exec::read(&ex, &m, Read { filter, limit: Some(1), ..Read::default() }).await?;
                    Ok(rows.into_iter().next().map(FieldValue::value))
                }),
            )
            .argument(InputValue::new("query", TypeRef::named(&input))),
        )
        .field(
            Field::new(
                "queryByPk",
                TypeRef::named(&t),
                resolver!(model, |ctx, ex, m| {
                    let entity = obj(&ctx, "query");
                    let filter = exec::entity_filter(&m, entity)?;
                    let given: Vec<&str> = entity.map(|e| e.keys().map(|k| k.as_str()).collect()).unwrap_or_default();
                    if m.primary_key.is_empty()
                        || m.primary_key.iter().any(|&i| !given.contains(&m.fields[i].name.as_str()))
                    {
                        return Err(OinoneError::new(
                            crate::oinone::VALIDATION,
                            "queryByPk needs every primary key field",
                        ));
                    }
                    let (rows, _) = exec::read(&ex, &m, Read { filter, limit: Some(1), ..Read::default() }).await?;
                    Ok(rows.into_iter().next().map(FieldValue::value))
                }),
            )
            .argument(InputValue::new("query", TypeRef::named(&input))),
        )
        .field(
            Field::new(
                "queryOneByWrapper",
                TypeRef::named(&t),
                resolver!(model, |ctx, ex, m| {
                    let filter = exec::wrapper_filter(&ex, &m, obj(&ctx, "queryWrapper"))?;
                    let (rows, _) = exec::read(&ex, &m, Read { filter, limit: Some(1), ..Read::default() }).await?;
                    Ok(rows.into_iter().next().map(FieldValue::value))
                }),
            )
            .argument(InputValue::new("queryWrapper", TypeRef::named(&cond))),
        )
        .field(
            Field::new(
                "queryListByWrapper",
                TypeRef::named_list(&t),
                resolver!(model, |ctx, ex, m| {
                    let filter = exec::wrapper_filter(&ex, &m, obj(&ctx, "queryWrapper"))?;
                    let (rows, _) = exec::read(&ex, &m, Read { filter, ..Read::default() }).await?;
                    Ok(Some(self::rows(rows)))
                }),
            )
            .argument(InputValue::new("queryWrapper", TypeRef::named(&cond))),
        )
        .field(
            Field::new(
                "queryListByEntity",
                TypeRef::named_list(&t),
                resolver!(model, |ctx, ex, m| {
                    let filter = exec::entity_filter(&m, obj(&ctx, "query"))?;
                    let (rows, _) = exec::read(&ex, &m, Read { filter, ..Read::default() }).await?;
                    Ok(Some(self::rows(rows)))
                }),
            )
            .argument(InputValue::new("query", TypeRef::named(&input))),
        )
        .field(
            Field::new(
                "count",
                TypeRef::named("Long"),
                resolver!(model, |ctx, ex, m| {
                    let filter = exec::entity_filter(&m, obj(&ctx, "query"))?;
                    count(&ex, &m, filter).await
                }),
            )
            .argument(InputValue::new("query", TypeRef::named(&input))),
        )
        .field(
            Field::new(
                "countByWrapper",
                TypeRef::named("Long"),
                resolver!(model, |ctx, ex, m| {
                    let filter = exec::wrapper_filter(&ex, &m, obj(&ctx, "queryWrapper"))?;
                    count(&ex, &m, filter).await
                }),
            )
            .argument(InputValue::new("queryWrapper", TypeRef::named(&cond))),
        )
        .field(
            // A new record for a form: the given fields, nothing read or written.
            Field::new(
                "construct",
                TypeRef::named(&t),
                resolver!(model, |ctx, _ex, m| {
                    let mut map = async_graphql::indexmap::IndexMap::new();
                    let data = obj(&ctx, "data");
                    for f in &m.fields {
                        let v = data.and_then(|d| d.get(f.name.as_str())).cloned().unwrap_or(Value::Null);
                        map.insert(async_graphql::Name::new(&f.name), v);
                    }
                    Ok(Some(FieldValue::value(Value::Object(map))))
                }),
            )
            .argument(InputValue::new("data", TypeRef::named(&input))),
        )
}

async fn count(ex: &Exec, m: &Model, filter: Vec<query::Cond>) -> Result<Option<FieldValue<'static>>, OinoneError> {
    let (_, total) = exec::read(ex, m, Read { filter, limit: Some(0), total: true, ..Read::default() }).await?;
    Ok(Some(FieldValue::value(Value::String(total.unwrap_or(0).to_string()))))
}

/// `update(data)` and its relation-aware alias `updateOneWithRelations(data)` (a plain database
/// has no relations to follow): the record found by its primary key, changed, and read back.
fn update_one(model: &Arc<Model>, name: &str) -> Field {
    Field::new(
        name,
        TypeRef::named(&model.type_name),
        resolver!(model, |ctx, ex, m| {
            let data =
                obj(&ctx, "data").ok_or_else(|| OinoneError::new(crate::oinone::VALIDATION, "data is required"))?;
            Ok(write::update_many(&ex, &m, vec![data]).await?.into_iter().next().map(FieldValue::value))
        }),
    )
    .argument(InputValue::new("data", TypeRef::named_nn(format!("{}Input", model.type_name))))
}

fn mutation_functions(model: &Arc<Model>) -> Object {
    let t = model.type_name.clone();
    let input = format!("{t}Input");
    Object::new(format!("{t}Mutation"))
        .field(
            Field::new(
                "create",
                TypeRef::named(&t),
                resolver!(model, |ctx, ex, m| {
                    let data = obj(&ctx, "data")
                        .ok_or_else(|| OinoneError::new(crate::oinone::VALIDATION, "data is required"))?;
                    Ok(Some(FieldValue::value(write::create(&ex, &m, data).await?)))
                }),
            )
            .argument(InputValue::new("data", TypeRef::named_nn(&input))),
        )
        .field(update_one(model, "update"))
        .field(update_one(model, "updateOneWithRelations"))
        .field(
            Field::new(
                "updateWithFieldBatch",
                TypeRef::named_list(&t),
                resolver!(model, |ctx, ex, m| {
                    Ok(Some(rows(write::update_many(&ex, &m, list(&ctx, "dataList")).await?)))
                }),
            )
            .argument(InputValue::new("dataList", TypeRef::named_nn_list(&input))),
        )
        .field(
            Field::new(
                "delete",
                TypeRef::named_list(&t),
                resolver!(model, |ctx, ex, m| {
                    Ok(Some(rows(write::delete(&ex, &m, list(&ctx, "dataList")).await?)))
                }),
            )
            .argument(InputValue::new("dataList", TypeRef::named_nn_list(&input))),
        )
}
