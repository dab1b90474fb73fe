//! Typed node configs, read from a node's `config` JSON with every problem collected.

use serde_json::{Map, Value};

use crate::expr::{self, Expr, Path};
use crate::interpolate::{Part, template_strings};
use crate::model::NodeType;
use crate::validate::Problem;
use query::closest;

/// A node's config, by type.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeConfig {
    /// See [`QueryConfig`].
    Query(QueryConfig),
    /// See [`ConditionConfig`].
    Condition(ConditionConfig),
    /// See [`ApiConfig`].
    Api(ApiConfig),
    /// See [`TransformConfig`].
    Transform(TransformConfig),
    /// See [`DelayConfig`].
    Delay(DelayConfig),
    /// See [`EndConfig`].
    End(EndConfig),
}

impl NodeConfig {
    /// The names this node binds for the nodes after it: its `output`, and for a transform also
    /// each assigned name.
    pub fn bound_names(&self) -> Vec<&str> {
        match self {
            NodeConfig::Query(q) => vec![q.output.as_str()],
            NodeConfig::Api(a) => vec![a.output.as_str()],
            NodeConfig::Transform(t) => {
                std::iter::once(t.output.as_str()).chain(t.assign.iter().map(|(k, _)| k.as_str())).collect()
            }
            NodeConfig::Condition(_) | NodeConfig::Delay(_) | NodeConfig::End(_) => Vec::new(),
        }
    }
}

/// Where a query node's query comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum QuerySource {
    /// A query-builder DSL object (docs/query-dsl.md); its strings may hold placeholders, which
    /// the runner binds as parameters.
    Dsl(Value),
    /// An RSQL filter on a model (table).
    Rsql {
        /// The model (table) name.
        model: String,
        /// The filter; none reads every row.
        rsql: Option<String>,
    },
}

/// `query`: runs a query against a datasource.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryConfig {
    /// The datasource's id.
    pub datasource_id: String,
    /// The query.
    pub source: QuerySource,
    /// The name the result is bound to (default: the node id).
    pub output: String,
    /// Bind the first row as an object (or null) instead of the array of rows.
    pub single: bool,
    /// Retry policy.
    pub retry: Option<RetryPolicy>,
    /// Per-attempt timeout.
    pub timeout_ms: Option<u64>,
}

/// `condition`: a boolean expression.
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionConfig {
    /// The expression as written.
    pub text: String,
    /// The parsed expression.
    pub expression: Expr,
}

/// `api`: an HTTP request.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiConfig {
    /// URL template.
    pub url: String,
    /// Upper-case HTTP method (default GET).
    pub method: String,
    /// Header name → value template.
    pub headers: Vec<(String, String)>,
    /// Body template (any JSON), if any.
    pub body: Option<Value>,
    /// The name the response is bound to (default: the node id).
    pub output: String,
    /// Retry policy.
    pub retry: Option<RetryPolicy>,
    /// Per-attempt timeout.
    pub timeout_ms: Option<u64>,
}

/// `transform`: computes values from expressions.
#[derive(Debug, Clone, PartialEq)]
pub struct TransformConfig {
    /// Name → expression, in the order written; each name is bound for later nodes.
    pub assign: Vec<(String, Expr)>,
    /// The name of the object of all assigned values (default: the node id).
    pub output: String,
}

/// `delay`: waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DelayConfig {
    /// How long, in milliseconds.
    pub ms: u64,
}

/// `end`: the workflow's output.
#[derive(Debug, Clone, PartialEq)]
pub struct EndConfig {
    /// Output template (any JSON with placeholders).
    pub output: Value,
}

/// `config.retry`: exponential backoff with jitter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 to [`RetryPolicy::MAX_ATTEMPTS`]).
    pub max_attempts: u32,
    /// Delay before the second attempt (default 1000).
    pub initial_delay_ms: u64,
    /// Cap on the delay (default 30000).
    pub max_delay_ms: u64,
}

impl RetryPolicy {
    /// The most attempts a policy may ask for.
    pub const MAX_ATTEMPTS: u32 = 20;
}

/// The HTTP methods an `api` node may use.
pub const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// Whether `s` can be the root of a reference (`[A-Za-z_][A-Za-z0-9_]*`).
pub fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A reference found in a config, with the location of the string that holds it.
pub(crate) type Located = (String, Path);

/// Reads one object's fields, recording problems under `at` (node configs here, triggers in
/// [`crate::trigger`]).
pub(crate) struct Reader<'a> {
    pub(crate) obj: &'a Map<String, Value>,
    pub(crate) at: String,
    pub(crate) problems: &'a mut Vec<Problem>,
}

impl Reader<'_> {
    pub(crate) fn problem(&mut self, key: &str, code: &'static str, message: String) {
        self.problems.push(Problem { path: format!("{}.{key}", self.at), code, message });
    }

    fn string(&mut self, key: &str, required: bool) -> Option<String> {
        match self.obj.get(key) {
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            None | Some(Value::Null) if !required => None,
            None | Some(Value::Null) => {
                self.problem(key, "missing_field", format!("{key} is required"));
                None
            }
            Some(Value::String(_)) => {
                self.problem(key, "invalid_field", format!("{key} must not be empty"));
                None
            }
            Some(_) => {
                self.problem(key, "invalid_field", format!("{key} must be a string"));
                None
            }
        }
    }

    fn u64(&mut self, key: &str, required: bool) -> Option<u64> {
        match self.obj.get(key) {
            Some(v) if v.as_u64().is_some() => v.as_u64(),
            None | Some(Value::Null) if !required => None,
            None | Some(Value::Null) => {
                self.problem(key, "missing_field", format!("{key} is required"));
                None
            }
            Some(_) => {
                self.problem(key, "invalid_field", format!("{key} must be a non-negative integer"));
                None
            }
        }
    }

    fn bool(&mut self, key: &str) -> bool {
        match self.obj.get(key) {
            Some(Value::Bool(b)) => *b,
            None | Some(Value::Null) => false,
            Some(_) => {
                self.problem(key, "invalid_field", format!("{key} must be true or false"));
                false
            }
        }
    }

    fn output(&mut self, node_id: &str) -> String {
        let out = self.string("output", false).unwrap_or_else(|| node_id.to_owned());
        if self.obj.contains_key("output") && !is_name(&out) {
            self.problem("output", "invalid_field", format!("output {out:?} must be a name (letters, digits, _)"));
        }
        out
    }

    fn retry(&mut self) -> Option<RetryPolicy> {
        let v = self.obj.get("retry")?;
        if v.is_null() {
            return None;
        }
        let Some(obj) = v.as_object() else {
            self.problem("retry", "invalid_field", "retry must be an object".into());
            return None;
        };
        let at = format!("{}.retry", self.at);
        let mut r = Reader { obj, at, problems: self.problems };
        let max_attempts = r.u64("maxAttempts", true);
        let initial_delay_ms = r.u64("initialDelayMs", false).unwrap_or(1000);
        let max_delay_ms = r.u64("maxDelayMs", false).unwrap_or(30_000);
        r.unknown_fields(&["maxAttempts", "initialDelayMs", "maxDelayMs"]);
        let max_attempts = match max_attempts.map(u32::try_from) {
            Some(Ok(n)) if (1..=RetryPolicy::MAX_ATTEMPTS).contains(&n) => n,
            Some(_) => {
                let m = format!("maxAttempts must be between 1 and {}", RetryPolicy::MAX_ATTEMPTS);
                r.problem("maxAttempts", "invalid_field", m);
                return None;
            }
            None => return None,
        };
        if initial_delay_ms > max_delay_ms {
            r.problem("initialDelayMs", "invalid_field", "initialDelayMs must not exceed maxDelayMs".into());
        }
        Some(RetryPolicy { max_attempts, initial_delay_ms, max_delay_ms })
    }

    pub(crate) fn unknown_fields(&mut self, allowed: &[&str]) {
        let unknown: Vec<String> = self.obj.keys().filter(|k| !allowed.contains(&k.as_str())).cloned().collect();
        for key in unknown {
            let hint =
                closest(&key, allowed.iter().copied()).map(|c| format!("; did you mean {c}?")).unwrap_or_default();
            self.problem(&key, "unknown_field", format!("unknown field {key}{hint}"));
        }
    }

    /// Checks the placeholders of a template field, collecting their references.
    fn template(&mut self, value: &Value, at: &str, refs: &mut Vec<Located>) {
        for (loc, parts) in template_strings(value, at) {
            match parts {
                Ok(parts) => {
                    for part in parts {
                        if let Part::Placeholder(e) = part {
                            refs.extend(e.references().into_iter().map(|p| (loc.clone(), p)));
                        }
                    }
                }
                Err(e) => self.problems.push(Problem {
                    path: loc,
                    code: "invalid_expression",
                    message: format!("{} at character {}", e.message, e.position),
                }),
            }
        }
    }

    fn expression(&mut self, text: &str, at: String, refs: &mut Vec<Located>) -> Option<Expr> {
        match expr::parse(text) {
            Ok(e) => {
                refs.extend(e.references().into_iter().map(|p| (at.clone(), p)));
                Some(e)
            }
            Err(e) => {
                let message = format!("{} at character {}", e.message, e.position);
                self.problems.push(Problem { path: at, code: "invalid_expression", message });
                None
            }
        }
    }
}

/// Reads the config of node `node_id` of type `kind`, found at `at` (`nodes[2].config`).
/// Returns the config when it fits (problems are pushed either way) and the references found.
pub(crate) fn read(
    kind: NodeType,
    node_id: &str,
    config: &Value,
    at: &str,
    problems: &mut Vec<Problem>,
) -> (Option<NodeConfig>, Vec<Located>) {
    let mut refs = Vec::new();
    let empty = Map::new();
    let obj = match config {
        Value::Object(obj) => obj,
        Value::Null => &empty,
        _ => {
            problems.push(Problem {
                path: at.into(),
                code: "invalid_field",
                message: "config must be an object".into(),
            });
            return (None, refs);
        }
    };
    let before = problems.len();
    let mut r = Reader { obj, at: at.into(), problems };
    let config = match kind {
        NodeType::Query => {
            let datasource_id = r.string("datasourceId", true);
            let source = match (obj.get("query"), obj.get("model")) {
                (Some(q @ Value::Object(_)), None) => {
                    r.template(q, &format!("{at}.query"), &mut refs);
                    Some(QuerySource::Dsl(q.clone()))
                }
                (Some(_), None) => {
                    r.problem("query", "invalid_field", "query must be a query-builder DSL object".into());
                    None
                }
                (None, Some(_)) => {
                    let model = r.string("model", true);
                    let rsql = r.string("rsql", false);
                    if let Some(f) = &rsql {
                        r.template(&Value::String(f.clone()), &format!("{at}.rsql"), &mut refs);
                    }
                    model.map(|model| QuerySource::Rsql { model, rsql })
                }
                (Some(_), Some(_)) => {
                    r.problem("query", "invalid_field", "give either query or model (with rsql), not both".into());
                    None
                }
                (None, None) => {
                    r.problem("query", "missing_field", "query (a DSL object) or model (with rsql) is required".into());
                    None
                }
            };
            let output = r.output(node_id);
            let single = r.bool("single");
            let retry = r.retry();
            let timeout_ms = r.u64("timeoutMs", false);
            r.unknown_fields(&["datasourceId", "query", "model", "rsql", "output", "single", "retry", "timeoutMs"]);
            datasource_id.zip(source).map(|(datasource_id, source)| {
                NodeConfig::Query(QueryConfig { datasource_id, source, output, single, retry, timeout_ms })
            })
        }
        NodeType::Condition => {
            // The seed writes `condition`; `expression` is the documented name.
            let key = if obj.contains_key("condition") && !obj.contains_key("expression") {
                "condition"
            } else {
                "expression"
            };
            let text = r.string(key, true);
            r.unknown_fields(&["expression", "condition"]);
            text.and_then(|text| {
                let expression = r.expression(&text, format!("{at}.{key}"), &mut refs)?;
                Some(NodeConfig::Condition(ConditionConfig { text, expression }))
            })
        }
        NodeType::Api => {
            let url = r.string("url", true);
            if let Some(u) = &url {
                r.template(&Value::String(u.clone()), &format!("{at}.url"), &mut refs);
            }
            let method = r.string("method", false).map_or_else(|| "GET".to_owned(), |m| m.to_ascii_uppercase());
            if !METHODS.contains(&method.as_str()) {
                r.problem("method", "invalid_field", format!("method must be one of {}", METHODS.join(", ")));
            }
            let mut headers = Vec::new();
            match obj.get("headers") {
                None | Some(Value::Null) => {}
                Some(Value::Object(map)) => {
                    for (name, value) in map {
                        match value {
                            Value::String(s) => {
                                r.template(value, &format!("{at}.headers.{name}"), &mut refs);
                                headers.push((name.clone(), s.clone()));
                            }
                            _ => r.problem(
                                &format!("headers.{name}"),
                                "invalid_field",
                                "a header value must be a string".into(),
                            ),
                        }
                    }
                }
                Some(_) => r.problem("headers", "invalid_field", "headers must be an object of strings".into()),
            }
            let body = obj.get("body").filter(|b| !b.is_null()).cloned();
            if let Some(b) = &body {
                r.template(b, &format!("{at}.body"), &mut refs);
            }
            let output = r.output(node_id);
            let retry = r.retry();
            let timeout_ms = r.u64("timeoutMs", false);
            r.unknown_fields(&["url", "method", "headers", "body", "output", "retry", "timeoutMs"]);
            url.map(|url| NodeConfig::Api(ApiConfig { url, method, headers, body, output, retry, timeout_ms }))
        }
        NodeType::Transform => {
            let mut assign = Vec::new();
            match obj.get("assign") {
                Some(Value::Object(map)) if !map.is_empty() => {
                    for (name, value) in map {
                        let loc = format!("{at}.assign.{name}");
                        if !is_name(name) {
                            r.problem(
                                &format!("assign.{name}"),
                                "invalid_field",
                                format!("{name:?} must be a name (letters, digits, _)"),
                            );
                        }
                        match value {
                            Value::String(text) => {
                                if let Some(e) = r.expression(text, loc, &mut refs) {
                                    assign.push((name.clone(), e));
                                }
                            }
                            _ => r.problem(
                                &format!("assign.{name}"),
                                "invalid_field",
                                "an assignment must be an expression string".into(),
                            ),
                        }
                    }
                }
                None | Some(Value::Null) => r.problem("assign", "missing_field", "assign is required".into()),
                Some(_) => {
                    r.problem("assign", "invalid_field", "assign must be a non-empty object of expressions".into())
                }
            }
            let output = r.output(node_id);
            r.unknown_fields(&["assign", "output"]);
            Some(NodeConfig::Transform(TransformConfig { assign, output }))
        }
        NodeType::Delay => {
            let ms = r.u64("ms", true);
            r.unknown_fields(&["ms"]);
            ms.map(|ms| NodeConfig::Delay(DelayConfig { ms }))
        }
        NodeType::End => {
            let output = obj.get("output").cloned().unwrap_or(Value::Null);
            r.template(&output, &format!("{at}.output"), &mut refs);
            r.unknown_fields(&["output"]);
            Some(NodeConfig::End(EndConfig { output }))
        }
    };
    let ok = problems.len() == before;
    (config.filter(|_| ok), refs)
}
