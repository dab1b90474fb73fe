//! Validation cases: the seed's order workflow passes, and each kind of problem is reported at its path.

use serde_json::{Value, json};

use crate::{Definition, EdgeCondition, NodeConfig, QuerySource, ValidDefinition, validate};

/// The seed's order workflow (section 2.4.1), with the query's result bound to `order` as one row
/// and the payment token declared as a variable, so that every reference can exist.
fn order_workflow() -> Value {
    json!({
        "name": "订单处理流程",
        "description": "自动处理新订单的完整流程",
        "category": "订单管理",
        "nodes": [
            {"id": "node_1", "type": "query", "name": "查询订单信息",
             "config": {"datasourceId": "ds_main", "output": "order", "single": true,
                        "query": {"tables": [{"name": "Order", "where": {"id": "${orderId}"}}]}},
             "position": {"x": 100, "y": 100}},
            {"id": "node_2", "type": "condition", "name": "检查库存",
             "config": {"condition": "${order.stock} > 0"}, "position": {"x": 300, "y": 100}},
            {"id": "node_3", "type": "api", "name": "调用支付接口",
             "config": {"url": "https://payment.example.com/api/pay", "method": "POST",
                        "headers": {"Authorization": "Bearer ${paymentToken}"},
                        "body": {"orderId": "${orderId}", "amount": "${order.amount}"},
                        "retry": {"maxAttempts": 3, "initialDelayMs": 100, "maxDelayMs": 1000}},
             "position": {"x": 500, "y": 100}}
        ],
        "edges": [
            {"id": "edge_1", "from": "node_1", "to": "node_2", "condition": null},
            {"id": "edge_2", "from": "node_2", "to": "node_3", "condition": "success"}
        ],
        "variables": [
            {"name": "orderId", "type": "string", "required": true, "defaultValue": null},
            {"name": "paymentToken", "type": "string", "required": false, "defaultValue": "test"}
        ],
        "triggers": [{"type": "webhook", "config": {"url": "https://example.com/webhook/order-created", "secret": "webhook_secret_123"}}]
    })
}

fn run(def: Value) -> Result<ValidDefinition, Vec<crate::Problem>> {
    let def: Definition = serde_json::from_value(def).expect("deserializes");
    validate(&def, &|id| id == "ds_main")
}

/// Validates `def` and expects exactly these `(path, code)` problems, in order.
#[track_caller]
fn check(def: Value, expected: &[(&str, &str)]) {
    let problems = run(def).expect_err("invalid");
    let got: Vec<(&str, &str)> = problems.iter().map(|p| (p.path.as_str(), p.code)).collect();
    assert_eq!(got, expected, "{problems:#?}");
}

/// Validates `def` and expects one problem whose message contains `fragment`.
#[track_caller]
fn check_message(def: Value, fragment: &str) {
    let problems = run(def).expect_err("invalid");
    assert!(problems.iter().any(|p| p.message.contains(fragment)), "{problems:#?} lacks {fragment:?}");
}

/// A workflow of nodes (id, type, config) chained by plain edges in the given pairs.
fn graph(nodes: &[(&str, &str, Value)], edges: &[(&str, &str)]) -> Value {
    json!({
        "name": "t",
        "nodes": nodes.iter().map(|(id, t, c)| json!({"id": id, "type": t, "config": c})).collect::<Vec<_>>(),
        "edges": edges.iter().enumerate().map(|(i, (f, t))| json!({"id": format!("e{i}"), "from": f, "to": t})).collect::<Vec<_>>(),
        "variables": [{"name": "x", "type": "number"}],
    })
}

fn delay() -> Value {
    json!({"ms": 1})
}

#[test]
fn the_seed_order_workflow_validates() {
    let valid = run(order_workflow()).expect("valid");
    assert_eq!(valid.order, [0, 1, 2]);
    assert_eq!(valid.conditions, [None, Some(EdgeCondition::Success)]);
    let NodeConfig::Query(q) = &valid.configs[0] else { panic!("query config") };
    assert_eq!((q.output.as_str(), q.single, q.datasource_id.as_str()), ("order", true, "ds_main"));
    assert!(matches!(q.source, QuerySource::Dsl(_)));
    let NodeConfig::Api(a) = &valid.configs[2] else { panic!("api config") };
    assert_eq!((a.method.as_str(), a.output.as_str()), ("POST", "node_3"));
    assert_eq!(a.retry.map(|r| r.max_attempts), Some(3));
    let NodeConfig::Condition(c) = &valid.configs[1] else { panic!("condition config") };
    assert_eq!(c.expression.eval(&json!({"order": {"stock": 2}})), Ok(json!(true)));
    assert_eq!(valid.node_index("node_2"), Some(1));
    assert_eq!(valid.outgoing(1).collect::<Vec<_>>(), [1]);
}

#[test]
fn the_seed_as_written_misses_its_names() {
    // The seed's query has no `output`, so its result is `node_1`; `order` and `paymentToken` cannot exist.
    let mut def = order_workflow();
    def["nodes"][0]["config"].as_object_mut().unwrap().remove("output");
    def["variables"].as_array_mut().unwrap().pop();
    check(
        def,
        &[
            ("nodes[1].config.condition", "unknown_reference"),
            ("nodes[2].config.headers.Authorization", "unknown_reference"),
            ("nodes[2].config.body.amount", "unknown_reference"),
        ],
    );
}

#[test]
fn definition_level_problems() {
    check(json!({"name": "", "nodes": []}), &[("name", "missing_field"), ("nodes", "empty_workflow")]);
    let many: Vec<Value> =
        (0..1001).map(|i| json!({"id": format!("n{i}"), "type": "delay", "config": delay()})).collect();
    check(json!({"name": "t", "nodes": many}), &[("nodes", "too_many_nodes")]);
}

#[test]
fn variables() {
    let mut def = graph(&[("a", "delay", delay())], &[]);
    def["variables"] = json!([
        {"name": "x", "type": "number"},
        {"name": "x", "type": "string"},
        {"name": "1y", "type": "string"},
        {"name": "input"},
        {"name": "z", "type": "text"},
        {"name": "w", "type": "integer", "defaultValue": 1.5},
        {"name": "v", "type": "array", "defaultValue": [1]},
    ]);
    check(
        def,
        &[
            ("variables[1].name", "duplicate_variable"),
            ("variables[2].name", "invalid_field"),
            ("variables[3].name", "reserved_name"),
            ("variables[4].type", "invalid_field"),
            ("variables[5].defaultValue", "invalid_field"),
        ],
    );
}

#[test]
fn ids_and_edges() {
    let nodes = [("a", "delay", delay()), ("a", "delay", delay()), ("b", "delay", delay())];
    let mut def = graph(&nodes, &[("a", "b"), ("a", "c"), ("zz", "b")]);
    def["edges"][1]["id"] = json!("e0");
    check(
        def,
        &[
            ("nodes[1].id", "duplicate_node_id"),
            ("edges[1].id", "duplicate_edge_id"),
            ("edges[1].to", "unknown_node"),
            ("edges[2].from", "unknown_node"),
        ],
    );
    check_message(graph(&[("alpha", "delay", delay())], &[("alpha", "alpah")]), "did you mean alpha?");
}

#[test]
fn cycles_and_unreachable_nodes() {
    let nodes = [("s", "delay", delay()), ("a", "delay", delay()), ("b", "delay", delay()), ("c", "delay", delay())];
    check(graph(&nodes, &[("s", "a"), ("a", "b"), ("b", "c"), ("c", "a")]), &[("nodes[1]", "cycle")]);
    check_message(graph(&nodes, &[("s", "a"), ("a", "b"), ("b", "c"), ("c", "a")]), "a → b → c → a");
    // A cycle no start node leads into is also unreachable.
    let nodes = [("s", "delay", delay()), ("a", "delay", delay()), ("b", "delay", delay())];
    check(
        graph(&nodes, &[("a", "b"), ("b", "a")]),
        &[("nodes[1]", "cycle"), ("nodes[1]", "unreachable"), ("nodes[2]", "unreachable")],
    );
    check(graph(&[("s", "delay", delay())], &[("s", "s")]), &[("nodes[0]", "cycle"), ("nodes[0]", "unreachable")]);
}

#[test]
fn edge_conditions_fit_their_source() {
    let nodes = [
        ("q", "query", json!({"datasourceId": "ds_main", "model": "Order"})),
        ("c", "condition", json!({"expression": "true"})),
        ("t", "transform", json!({"assign": {"y": "1"}})),
        ("e", "end", json!({})),
        ("d", "delay", delay()),
    ];
    let mut def = graph(&nodes, &[("q", "c"), ("c", "t"), ("t", "d"), ("q", "d"), ("e", "d"), ("c", "d")]);
    def["edges"][0]["condition"] = json!("true");
    def["edges"][1]["condition"] = json!("false");
    def["edges"][2]["condition"] = json!("success");
    def["edges"][3]["condition"] = json!("failure");
    def["edges"][5]["condition"] = json!("maybe");
    check(
        def,
        &[
            ("edges[0].condition", "invalid_edge_condition"),
            ("edges[2].condition", "invalid_edge_condition"),
            ("edges[4]", "invalid_edge"),
            ("edges[5].condition", "invalid_edge_condition"),
        ],
    );
}

#[test]
fn node_types_and_configs() {
    let nodes = [
        ("u", "sql", json!({})),
        ("q1", "query", json!({"datasourceId": "nope", "model": "Order", "rsql": "id==${x}"})),
        ("q2", "query", json!({"query": [1], "single": "yes", "timeoutMs": -1})),
        ("q3", "query", json!({"datasourceId": "ds_main", "query": {}, "model": "M"})),
        (
            "q4",
            "query",
            json!({"datasourceId": "ds_main", "retry": {"maxAttempts": 0, "initialDelayMs": 5, "maxDelayMs": 1}}),
        ),
        ("c", "condition", json!({"expresion": "1"})),
        ("c2", "condition", json!({"expression": "1 +"})),
        ("a", "api", json!({"method": "FETCH", "headers": {"X": 1}, "output": "bad name"})),
        ("a2", "api", json!({"url": "https://x/${x"})),
        ("t", "transform", json!({"assign": {"ok": "x + 1", "bad-name": "1", "n": 2}})),
        ("t2", "transform", json!({})),
        ("d", "delay", json!({"ms": "10"})),
        ("e", "end", json!({"output": {"v": "${x}"}, "extra": 1})),
        ("s", "delay", json!(5)),
    ];
    check(
        graph(&nodes, &[]),
        &[
            ("nodes[0].type", "unknown_node_type"),
            ("nodes[1].config.datasourceId", "unknown_datasource"),
            ("nodes[2].config.datasourceId", "missing_field"),
            ("nodes[2].config.query", "invalid_field"),
            ("nodes[2].config.single", "invalid_field"),
            ("nodes[2].config.timeoutMs", "invalid_field"),
            ("nodes[3].config.query", "invalid_field"),
            ("nodes[4].config.query", "missing_field"),
            ("nodes[4].config.retry.maxAttempts", "invalid_field"),
            ("nodes[5].config.expression", "missing_field"),
            ("nodes[5].config.expresion", "unknown_field"),
            ("nodes[6].config.expression", "invalid_expression"),
            ("nodes[7].config.url", "missing_field"),
            ("nodes[7].config.method", "invalid_field"),
            ("nodes[7].config.headers.X", "invalid_field"),
            ("nodes[7].config.output", "invalid_field"),
            ("nodes[8].config.url", "invalid_expression"),
            ("nodes[9].config.assign.bad-name", "invalid_field"),
            ("nodes[9].config.assign.n", "invalid_field"),
            ("nodes[10].config.assign", "missing_field"),
            ("nodes[11].config.ms", "invalid_field"),
            ("nodes[12].config.extra", "unknown_field"),
            ("nodes[13].config", "invalid_field"),
        ],
    );
    check_message(graph(&[("u", "querry", json!({}))], &[]), "did you mean query?");
    check_message(graph(&[("c", "condition", json!({"expresion": "1"}))], &[]), "did you mean expression?");
}

#[test]
fn references_must_name_something_that_runs_before() {
    let nodes = [
        ("q", "query", json!({"datasourceId": "ds_main", "model": "Order", "output": "order"})),
        ("t", "transform", json!({"assign": {"total": "${order.amount} * 2", "early": "later.x"}})),
        ("side", "api", json!({"url": "https://x/${total}", "output": "later"})),
        (
            "e",
            "end",
            json!({"output": {"t": "${total}", "o": "${ordr.id}", "i": "${input.a}", "x": "${x}", "r": "${t.total}"}}),
        ),
    ];
    check(
        graph(&nodes, &[("q", "t"), ("t", "e"), ("q", "side")]),
        &[
            ("nodes[1].config.assign.early", "unknown_reference"),
            ("nodes[2].config.url", "unknown_reference"),
            ("nodes[3].config.output.o", "unknown_reference"),
        ],
    );
    let run_it = || run(graph(&nodes, &[("q", "t"), ("t", "e"), ("q", "side")])).unwrap_err();
    let messages: Vec<String> = run_it().into_iter().map(|p| p.message).collect();
    assert!(messages[0].contains("bound by node side, which does not run before node t"), "{messages:?}");
    assert!(messages[1].contains("bound by node t, which does not run before node side"), "{messages:?}");
    assert!(messages[2].contains("did you mean order?"), "{messages:?}");
}

#[test]
fn outputs_may_not_shadow_variables_or_input() {
    let nodes = [
        ("q", "query", json!({"datasourceId": "ds_main", "model": "M", "output": "x"})),
        ("t", "transform", json!({"assign": {"input": "1"}})),
    ];
    check(
        graph(&nodes, &[]),
        &[("nodes[0].config.output", "shadowed_name"), ("nodes[1].config.output", "shadowed_name")],
    );
}

#[test]
fn branches_join_and_every_problem_is_collected() {
    // A diamond: the join may read names bound on both branches since both are ancestors.
    let nodes = [
        ("c", "condition", json!({"expression": "${x} > 1"})),
        ("a", "transform", json!({"assign": {"left": "1"}})),
        ("b", "transform", json!({"assign": {"right": "2"}})),
        ("j", "end", json!({"output": "${left}"})),
    ];
    let mut def = graph(&nodes, &[("c", "a"), ("c", "b"), ("a", "j"), ("b", "j")]);
    def["edges"][0]["condition"] = json!("true");
    def["edges"][1]["condition"] = json!("false");
    let valid = run(def).expect("valid");
    assert_eq!(valid.order.first(), Some(&0));
    assert_eq!(valid.order.last(), Some(&3));
}

#[test]
fn the_documented_example_validates() {
    let doc = include_str!("../../../../docs/workflows.md");
    let start = doc.find("```json\n").expect("an example") + "```json\n".len();
    let end = start + doc[start..].find("```").expect("closed");
    let def: Value = serde_json::from_str(&doc[start..end]).expect("the example is JSON");
    let valid = run(def).expect("valid");
    assert_eq!(valid.conditions, [None, Some(EdgeCondition::True)]);
}

#[test]
fn many_cycles_are_reported_up_to_the_cap() {
    let nodes: Vec<(String, &str, Value)> = (0..30).map(|i| (format!("n{i}"), "delay", delay())).collect();
    let nodes: Vec<(&str, &str, Value)> = nodes.iter().map(|(id, t, c)| (id.as_str(), *t, c.clone())).collect();
    let ids: Vec<String> = (0..30).map(|i| format!("n{i}")).collect();
    let edges: Vec<(&str, &str)> = (0..15)
        .flat_map(|k| [(ids[2 * k].as_str(), ids[2 * k + 1].as_str()), (ids[2 * k + 1].as_str(), ids[2 * k].as_str())])
        .collect();
    let problems = run(graph(&nodes, &edges)).unwrap_err();
    assert_eq!(problems.iter().filter(|p| p.code == "cycle").count(), crate::validate::MAX_CYCLES_REPORTED);
    assert_eq!(problems.iter().filter(|p| p.code == "unreachable").count(), 30);
}
