//! Validation of a whole definition, collecting every problem with its path, like a compiler.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::config::{self, NodeConfig, is_name};
use crate::model::{Definition, EdgeCondition, NodeType, VariableType};
use crate::trigger::{self, Trigger};
use query::closest;

/// The most nodes a definition may have.
pub const MAX_NODES: usize = 1000;
/// The most edges a definition may have.
pub const MAX_EDGES: usize = 10_000;
/// The most cycles listed for one definition.
pub const MAX_CYCLES_REPORTED: usize = 10;

/// One thing wrong with a definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Where: `nodes[2].config.url`, `edges[1].to`, `variables[0].name`…
    pub path: String,
    /// A stable code the UI can switch on (`cycle`, `unknown_reference`…).
    pub code: &'static str,
    /// What is wrong, in words.
    pub message: String,
}

/// A definition that passed [`validate`], with its typed node configs.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidDefinition {
    /// The definition as given.
    pub definition: Definition,
    /// The typed config of each node, parallel to `definition.nodes`.
    pub configs: Vec<NodeConfig>,
    /// The condition of each edge, parallel to `definition.edges`.
    pub conditions: Vec<Option<EdgeCondition>>,
    /// Node indexes in a topological order (every edge goes forward).
    pub order: Vec<usize>,
    /// The typed triggers, parallel to `definition.triggers`.
    pub triggers: Vec<Trigger>,
}

impl ValidDefinition {
    /// The index of the node with this id.
    pub fn node_index(&self, id: &str) -> Option<usize> {
        self.definition.nodes.iter().position(|n| n.id == id)
    }

    /// Indexes of the edges leaving node `index`.
    pub fn outgoing(&self, index: usize) -> impl Iterator<Item = usize> + '_ {
        let id = &self.definition.nodes[index].id;
        self.definition.edges.iter().enumerate().filter(move |(_, e)| &e.from == id).map(|(i, _)| i)
    }
}

fn problem(path: impl Into<String>, code: &'static str, message: impl Into<String>) -> Problem {
    Problem { path: path.into(), code, message: message.into() }
}

/// Checks `def`; `known_datasources` says whether a datasource id exists.
pub fn validate(def: &Definition, known_datasources: &dyn Fn(&str) -> bool) -> Result<ValidDefinition, Vec<Problem>> {
    let mut problems = Vec::new();
    if def.name.trim().is_empty() {
        problems.push(problem("name", "missing_field", "name is required"));
    }
    if def.nodes.is_empty() {
        problems.push(problem("nodes", "empty_workflow", "a workflow needs at least one node"));
    }
    if def.nodes.len() > MAX_NODES {
        problems.push(problem(
            "nodes",
            "too_many_nodes",
            format!("at most {MAX_NODES} nodes, got {}", def.nodes.len()),
        ));
        return Err(problems);
    }
    if def.edges.len() > MAX_EDGES {
        problems.push(problem(
            "edges",
            "too_many_edges",
            format!("at most {MAX_EDGES} edges, got {}", def.edges.len()),
        ));
        return Err(problems);
    }

    // Variables.
    let mut variable_names: HashSet<&str> = HashSet::new();
    for (i, v) in def.variables.iter().enumerate() {
        let at = format!("variables[{i}]");
        if !is_name(&v.name) {
            problems.push(problem(
                format!("{at}.name"),
                "invalid_field",
                format!("{:?} must be a name (letters, digits, _)", v.name),
            ));
        } else if v.name == "input" {
            problems.push(problem(
                format!("{at}.name"),
                "reserved_name",
                "input is reserved for the execution's input",
            ));
        } else if !variable_names.insert(&v.name) {
            problems.push(problem(
                format!("{at}.name"),
                "duplicate_variable",
                format!("variable {} is declared twice", v.name),
            ));
        }
        match VariableType::parse(&v.kind) {
            None => problems.push(problem(
                format!("{at}.type"),
                "invalid_field",
                format!("unknown variable type {}; use string, number, integer, boolean, object or array", v.kind),
            )),
            Some(t) if !v.default_value.is_null() && !t.accepts(&v.default_value) => problems.push(problem(
                format!("{at}.defaultValue"),
                "invalid_field",
                format!("defaultValue is not of type {}", v.kind),
            )),
            Some(_) => {}
        }
    }

    // Nodes: ids, types, configs.
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut configs: Vec<Option<NodeConfig>> = Vec::new();
    let mut refs = Vec::new();
    for (i, node) in def.nodes.iter().enumerate() {
        let at = format!("nodes[{i}]");
        if node.id.is_empty() {
            problems.push(problem(format!("{at}.id"), "missing_field", "id is required"));
        } else if index.contains_key(node.id.as_str()) {
            problems.push(problem(
                format!("{at}.id"),
                "duplicate_node_id",
                format!("node id {} is used twice", node.id),
            ));
        } else {
            index.insert(&node.id, i);
        }
        let Some(kind) = node.node_type() else {
            let names = NodeType::ALL.map(|(n, _)| n);
            let hint = closest(&node.kind, names).map(|c| format!("; did you mean {c}?")).unwrap_or_default();
            problems.push(problem(
                format!("{at}.type"),
                "unknown_node_type",
                format!("unknown node type {:?}{hint}", node.kind),
            ));
            configs.push(None);
            refs.push(Vec::new());
            continue;
        };
        let (config, node_refs) = config::read(kind, &node.id, &node.config, &format!("{at}.config"), &mut problems);
        if let Some(NodeConfig::Query(q)) = &config
            && !known_datasources(&q.datasource_id)
        {
            problems.push(problem(
                format!("{at}.config.datasourceId"),
                "unknown_datasource",
                format!("datasource {} does not exist", q.datasource_id),
            ));
        }
        if let Some(c) = &config {
            for name in c.bound_names() {
                if name == "input" || variable_names.contains(name) {
                    problems.push(problem(
                        format!("{at}.config.output"),
                        "shadowed_name",
                        format!("node {} binds {name}, which is already a variable or the input", node.id),
                    ));
                }
            }
        }
        configs.push(config);
        refs.push(node_refs);
    }

    // Edges.
    let n = def.nodes.len();
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut pred: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut edge_ids = HashSet::new();
    let mut conditions = Vec::new();
    for (i, edge) in def.edges.iter().enumerate() {
        let at = format!("edges[{i}]");
        if edge.id.is_empty() {
            problems.push(problem(format!("{at}.id"), "missing_field", "id is required"));
        } else if !edge_ids.insert(edge.id.as_str()) {
            problems.push(problem(
                format!("{at}.id"),
                "duplicate_edge_id",
                format!("edge id {} is used twice", edge.id),
            ));
        }
        let mut ends = [None, None];
        for (slot, (field, id)) in [("from", &edge.from), ("to", &edge.to)].into_iter().enumerate() {
            ends[slot] = index.get(id.as_str()).copied();
            if ends[slot].is_none() {
                let hint =
                    closest(id, index.keys().copied()).map(|c| format!("; did you mean {c}?")).unwrap_or_default();
                problems.push(problem(format!("{at}.{field}"), "unknown_node", format!("no node has id {id:?}{hint}")));
            }
        }
        let condition = match edge.condition.as_deref() {
            None => None,
            Some(c) => match EdgeCondition::parse(c) {
                Some(c) => Some(c),
                None => {
                    problems.push(problem(
                        format!("{at}.condition"),
                        "invalid_edge_condition",
                        format!("unknown condition {c:?}; use success, failure, true, false or none"),
                    ));
                    None
                }
            },
        };
        if let Some(from) = ends[0]
            && let Some(kind) = def.nodes[from].node_type()
        {
            if kind == NodeType::End {
                problems.push(problem(at.clone(), "invalid_edge", "an end node has no outgoing edges"));
            } else if let Some(c) = condition
                && !kind.allowed_conditions().contains(&c)
            {
                let allowed: Vec<&str> = kind.allowed_conditions().iter().map(|c| c.as_str()).collect();
                let message = if allowed.is_empty() {
                    format!("edges after a {} node take no condition", kind.as_str())
                } else {
                    format!("edges after a {} node take {} or none", kind.as_str(), allowed.join(", "))
                };
                problems.push(problem(format!("{at}.condition"), "invalid_edge_condition", message));
            }
        }
        if let [Some(from), Some(to)] = ends {
            succ[from].push(to);
            pred[to].push(from);
        }
        conditions.push(condition);
    }

    // Cycles, found by a depth-first search; each back edge closes one cycle.
    let order = topological_order(&succ, &pred);
    if order.len() < n {
        // A few cycles are enough to act on; a dense graph could otherwise yield thousands.
        for cycle in cycles(&succ).into_iter().take(MAX_CYCLES_REPORTED) {
            let names: Vec<&str> = cycle.iter().map(|&i| def.nodes[i].id.as_str()).collect();
            let first = cycle[0];
            problems.push(problem(
                format!("nodes[{first}]"),
                "cycle",
                format!("the edges form a cycle: {} → {}", names.join(" → "), names[0]),
            ));
        }
    }

    // Reachability from the nodes without incoming edges.
    let roots: Vec<usize> = (0..n).filter(|&i| pred[i].is_empty()).collect();
    let reachable = closure(&roots, &succ);
    for i in (0..n).filter(|i| !reachable[*i]) {
        problems.push(problem(
            format!("nodes[{i}]"),
            "unreachable",
            format!("node {} cannot be reached from any start node", def.nodes[i].id),
        ));
    }

    // References: variables, `input`, and names bound by ancestors.
    let mut binders: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, c) in configs.iter().enumerate() {
        for name in c.iter().flat_map(|c| c.bound_names()) {
            binders.entry(name).or_default().push(i);
        }
    }
    for (i, node_refs) in refs.iter().enumerate() {
        if node_refs.is_empty() {
            continue;
        }
        let ancestors = closure(&pred[i], &pred);
        let mut allowed: Vec<&str> = variable_names.iter().copied().chain(["input"]).collect();
        for (name, nodes) in &binders {
            if nodes.iter().any(|&j| ancestors[j]) {
                allowed.push(name);
            }
        }
        for (loc, path) in node_refs {
            let root = path.root();
            if allowed.contains(&root) {
                continue;
            }
            let message = match binders.get(root) {
                Some(nodes) => format!(
                    "{path}: {root} is bound by node {}, which does not run before node {}",
                    def.nodes[nodes[0]].id, def.nodes[i].id
                ),
                None => {
                    let hint = closest(root, allowed.iter().copied()).map(|c| format!("; did you mean {c}?"));
                    let hint = hint.unwrap_or_else(|| {
                        let mut names = allowed.clone();
                        names.sort_unstable();
                        format!("; known names here: {}", names.join(", "))
                    });
                    format!("{path}: no variable or earlier node output is called {root}{hint}")
                }
            };
            problems.push(problem(loc.clone(), "unknown_reference", message));
        }
    }

    // Triggers are independent of the graph; their problems come last, as the field does.
    let triggers = trigger::read_all(&def.triggers, &mut problems);

    if problems.is_empty() {
        let configs = configs.into_iter().flatten().collect();
        Ok(ValidDefinition { definition: def.clone(), configs, conditions, order, triggers })
    } else {
        Err(problems)
    }
}

/// Kahn's algorithm; shorter than the node count when there is a cycle.
fn topological_order(succ: &[Vec<usize>], pred: &[Vec<usize>]) -> Vec<usize> {
    let mut indegree: Vec<usize> = pred.iter().map(Vec::len).collect();
    let mut ready: Vec<usize> = (0..succ.len()).filter(|&i| indegree[i] == 0).rev().collect();
    let mut order = Vec::new();
    while let Some(i) = ready.pop() {
        order.push(i);
        for &j in &succ[i] {
            indegree[j] -= 1;
            if indegree[j] == 0 {
                ready.push(j);
            }
        }
    }
    order
}

/// Every node reachable from `start` along `next` (the start nodes themselves only if reached).
fn closure(start: &[usize], next: &[Vec<usize>]) -> Vec<bool> {
    let mut seen = vec![false; next.len()];
    let mut stack: Vec<usize> = start.to_vec();
    for &s in start {
        seen[s] = true;
    }
    while let Some(i) = stack.pop() {
        for &j in &next[i] {
            if !seen[j] {
                seen[j] = true;
                stack.push(j);
            }
        }
    }
    seen
}

/// The cycles closed by the back edges of an iterative depth-first search, each as its nodes in order.
fn cycles(succ: &[Vec<usize>]) -> Vec<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Color {
        White,
        Grey,
        Black,
    }
    let mut color = vec![Color::White; succ.len()];
    let mut found = Vec::new();
    for start in 0..succ.len() {
        if color[start] != Color::White {
            continue;
        }
        // (node, next successor to visit); `path` mirrors the grey nodes.
        let mut stack = vec![(start, 0usize)];
        color[start] = Color::Grey;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&succ_node) = succ[node].get(*next) {
                *next += 1;
                match color[succ_node] {
                    Color::White => {
                        color[succ_node] = Color::Grey;
                        stack.push((succ_node, 0));
                    }
                    Color::Grey => {
                        let from = stack.iter().position(|(n, _)| *n == succ_node).unwrap_or(0);
                        found.push(stack[from..].iter().map(|(n, _)| *n).collect());
                    }
                    Color::Black => {}
                }
            } else {
                color[node] = Color::Black;
                stack.pop();
            }
        }
    }
    found
}
