//! The serde types of a workflow definition as POSTed (camelCase JSON, seed section 2.4.1).
//!
//! Node and variable types and edge conditions are kept as the strings that were sent, so that a
//! definition with an unknown type still deserializes and [`crate::validate`] can list that
//! problem together with all the others; [`NodeType::parse`], [`VariableType::parse`] and
//! [`EdgeCondition::parse`] read them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A workflow definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Definition {
    /// Display name; must not be empty.
    pub name: String,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// Grouping for lists.
    #[serde(default)]
    pub category: Option<String>,
    /// The steps.
    #[serde(default)]
    pub nodes: Vec<Node>,
    /// The arrows between steps.
    #[serde(default)]
    pub edges: Vec<Edge>,
    /// Inputs the workflow accepts.
    #[serde(default)]
    pub variables: Vec<Variable>,
    /// Trigger definitions (webhook, schedule, manual), read by the trigger machinery.
    #[serde(default)]
    pub triggers: Vec<Value>,
}

/// One step of a workflow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Node {
    /// Unique within the definition.
    pub id: String,
    /// `query`, `condition`, `api`, `transform`, `delay` or `end` (see [`NodeType`]).
    #[serde(rename = "type")]
    pub kind: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// Type-specific settings, read into a [`crate::NodeConfig`] by validation.
    #[serde(default)]
    pub config: Value,
    /// Where the canvas draws the node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

impl Node {
    /// The node's type, if it is a known one.
    pub fn node_type(&self) -> Option<NodeType> {
        NodeType::parse(&self.kind)
    }
}

/// A canvas position.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Position {
    /// Horizontal.
    pub x: f64,
    /// Vertical.
    pub y: f64,
}

/// The node types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeType {
    /// Runs a query-builder DSL query or an RSQL filter on a model against a datasource.
    Query,
    /// Evaluates a boolean expression and takes the `true`/`success` or `false`/`failure` edges.
    Condition,
    /// Makes an HTTP request.
    Api,
    /// Computes new values from expressions.
    Transform,
    /// Waits.
    Delay,
    /// Produces the workflow's output.
    End,
}

impl NodeType {
    /// All types with their wire names.
    pub const ALL: [(&'static str, NodeType); 6] = [
        ("query", NodeType::Query),
        ("condition", NodeType::Condition),
        ("api", NodeType::Api),
        ("transform", NodeType::Transform),
        ("delay", NodeType::Delay),
        ("end", NodeType::End),
    ];

    /// Reads a wire name.
    pub fn parse(s: &str) -> Option<NodeType> {
        Self::ALL.iter().find(|(n, _)| *n == s).map(|(_, t)| *t)
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        Self::ALL.iter().find(|(_, t)| *t == self).map_or("", |(n, _)| n)
    }

    /// The edge conditions allowed on edges leaving a node of this type (`None` = unconditional,
    /// always allowed except after `end`, which has no outgoing edges).
    pub fn allowed_conditions(self) -> &'static [EdgeCondition] {
        match self {
            NodeType::Condition => {
                &[EdgeCondition::True, EdgeCondition::False, EdgeCondition::Success, EdgeCondition::Failure]
            }
            NodeType::Query | NodeType::Api => &[EdgeCondition::Success, EdgeCondition::Failure],
            NodeType::Transform | NodeType::Delay | NodeType::End => &[],
        }
    }
}

/// An arrow from one node to another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Edge {
    /// Unique within the definition.
    pub id: String,
    /// Source node id.
    pub from: String,
    /// Target node id.
    pub to: String,
    /// `success`, `failure`, `true`, `false`, or none (always taken).
    #[serde(default)]
    pub condition: Option<String>,
}

/// When an edge is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EdgeCondition {
    /// The source node succeeded (for a condition: the expression was true).
    Success,
    /// The source node failed (for a condition: the expression was false).
    Failure,
    /// The condition was true.
    True,
    /// The condition was false.
    False,
}

impl EdgeCondition {
    /// Reads a wire name.
    pub fn parse(s: &str) -> Option<EdgeCondition> {
        Some(match s {
            "success" => EdgeCondition::Success,
            "failure" => EdgeCondition::Failure,
            "true" => EdgeCondition::True,
            "false" => EdgeCondition::False,
            _ => return None,
        })
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeCondition::Success => "success",
            EdgeCondition::Failure => "failure",
            EdgeCondition::True => "true",
            EdgeCondition::False => "false",
        }
    }
}

/// An input of the workflow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Variable {
    /// The name expressions use (`${orderId}`).
    pub name: String,
    /// `string`, `number`, `integer`, `boolean`, `object` or `array` (see [`VariableType`]).
    #[serde(rename = "type", default = "default_variable_type")]
    pub kind: String,
    /// Executions without it are refused.
    #[serde(default)]
    pub required: bool,
    /// Used when the input does not give the variable; `null` means none.
    #[serde(default)]
    pub default_value: Value,
}

fn default_variable_type() -> String {
    "string".into()
}

/// The variable types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VariableType {
    /// A JSON string.
    String,
    /// Any JSON number.
    Number,
    /// A JSON number without a fraction.
    Integer,
    /// `true` or `false`.
    Boolean,
    /// A JSON object.
    Object,
    /// A JSON array.
    Array,
}

impl VariableType {
    /// Reads a wire name.
    pub fn parse(s: &str) -> Option<VariableType> {
        Some(match s {
            "string" => VariableType::String,
            "number" => VariableType::Number,
            "integer" => VariableType::Integer,
            "boolean" => VariableType::Boolean,
            "object" => VariableType::Object,
            "array" => VariableType::Array,
            _ => return None,
        })
    }

    /// Whether `value` is of this type (`null` never is).
    pub fn accepts(self, value: &Value) -> bool {
        match self {
            VariableType::String => value.is_string(),
            VariableType::Number => value.is_number(),
            VariableType::Integer => value.is_i64() || value.is_u64(),
            VariableType::Boolean => value.is_boolean(),
            VariableType::Object => value.is_object(),
            VariableType::Array => value.is_array(),
        }
    }
}
