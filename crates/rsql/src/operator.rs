//! Comparison operators: the FIQL/RSQL ones plus Oinone's, their canonical symbols and aliases.

use std::fmt;

/// A comparison operator.
///
/// Each variant's documentation shows its canonical symbol (what [`Operator::symbol`] returns)
/// and any alias [`Operator::from_symbol`] also accepts. Symbols are case-sensitive, as in the
/// reference parser. Multi-valued operators always carry a list of values, even when the filter
/// wrote a single value without parentheses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    /// `==`: equal to.
    Equal,
    /// `!=`: not equal to.
    NotEqual,
    /// `=gt=` (alias `>`): greater than.
    GreaterThan,
    /// `=ge=` (alias `>=`): greater than or equal to.
    GreaterOrEqual,
    /// `=lt=` (alias `<`): less than.
    LessThan,
    /// `=le=` (alias `<=`): less than or equal to.
    LessOrEqual,
    /// `=in=`: equal to one of the values (multi-valued).
    In,
    /// `=out=`: equal to none of the values (multi-valued).
    NotIn,
    /// `=isnull=`: the column is null when the value is `true`, not null when it is `false`.
    IsNull,
    /// `=notnull=`: the column is not null when the value is `true`, null when it is `false`.
    NotNull,
    /// `=like=`: the column contains the value.
    Like,
    /// `=notlike=`: the column does not contain the value.
    NotLike,
    /// `=starts=`: the column starts with the value.
    StartsWith,
    /// `=notstarts=`: the column does not start with the value.
    NotStartsWith,
    /// `=ends=`: the column ends with the value.
    EndsWith,
    /// `=notends=`: the column does not end with the value.
    NotEndsWith,
    /// `=cole=`: the column equals the column named by the value.
    ColumnEqual,
    /// `=colnot=`: the column differs from the column named by the value.
    ColumnNotEqual,
    /// `=has=` (alias `=contain=`): bit-flag column with every named item set
    /// (`col & mask = mask`; multi-valued).
    HasAll,
    /// `=hasnt=` (alias `=notcontain=`): bit-flag column missing at least one named item
    /// (`col & mask <> mask`; multi-valued).
    NotHasAll,
    /// `=hasor=`: bit-flag column with at least one named item set (`col & mask > 0`; multi-valued).
    HasAny,
    /// `=hasntor=`: bit-flag column with none of the named items set (`col & mask = 0`; multi-valued).
    HasNone,
    /// `=bit=`: bit-flag column equal to the mask of the named items (multi-valued).
    BitEqual,
    /// `=notbit=`: bit-flag column not equal to the mask of the named items (multi-valued).
    BitNotEqual,
}

impl Operator {
    /// Every operator, in declaration order.
    pub const ALL: [Operator; 24] = [
        Operator::Equal,
        Operator::NotEqual,
        Operator::GreaterThan,
        Operator::GreaterOrEqual,
        Operator::LessThan,
        Operator::LessOrEqual,
        Operator::In,
        Operator::NotIn,
        Operator::IsNull,
        Operator::NotNull,
        Operator::Like,
        Operator::NotLike,
        Operator::StartsWith,
        Operator::NotStartsWith,
        Operator::EndsWith,
        Operator::NotEndsWith,
        Operator::ColumnEqual,
        Operator::ColumnNotEqual,
        Operator::HasAll,
        Operator::NotHasAll,
        Operator::HasAny,
        Operator::HasNone,
        Operator::BitEqual,
        Operator::BitNotEqual,
    ];

    /// The canonical FIQL symbol, e.g. `=gt=` for [`Operator::GreaterThan`].
    pub fn symbol(self) -> &'static str {
        match self {
            Operator::Equal => "==",
            Operator::NotEqual => "!=",
            Operator::GreaterThan => "=gt=",
            Operator::GreaterOrEqual => "=ge=",
            Operator::LessThan => "=lt=",
            Operator::LessOrEqual => "=le=",
            Operator::In => "=in=",
            Operator::NotIn => "=out=",
            Operator::IsNull => "=isnull=",
            Operator::NotNull => "=notnull=",
            Operator::Like => "=like=",
            Operator::NotLike => "=notlike=",
            Operator::StartsWith => "=starts=",
            Operator::NotStartsWith => "=notstarts=",
            Operator::EndsWith => "=ends=",
            Operator::NotEndsWith => "=notends=",
            Operator::ColumnEqual => "=cole=",
            Operator::ColumnNotEqual => "=colnot=",
            Operator::HasAll => "=has=",
            Operator::NotHasAll => "=hasnt=",
            Operator::HasAny => "=hasor=",
            Operator::HasNone => "=hasntor=",
            Operator::BitEqual => "=bit=",
            Operator::BitNotEqual => "=notbit=",
        }
    }

    /// Whether the operator takes a list of values (`=in=`, `=out=` and the bit-flag operators).
    pub fn is_multi_valued(self) -> bool {
        matches!(
            self,
            Operator::In
                | Operator::NotIn
                | Operator::HasAll
                | Operator::NotHasAll
                | Operator::HasAny
                | Operator::HasNone
                | Operator::BitEqual
                | Operator::BitNotEqual
        )
    }

    /// The operator written as `symbol`, canonical or alias (`>`, `>=`, `<`, `<=`, `=contain=`,
    /// `=notcontain=`); `None` for anything else. Case-sensitive.
    pub fn from_symbol(symbol: &str) -> Option<Operator> {
        let alias = match symbol {
            ">" => Some(Operator::GreaterThan),
            ">=" => Some(Operator::GreaterOrEqual),
            "<" => Some(Operator::LessThan),
            "<=" => Some(Operator::LessOrEqual),
            "=contain=" => Some(Operator::HasAll),
            "=notcontain=" => Some(Operator::NotHasAll),
            _ => None,
        };
        alias.or_else(|| Operator::ALL.into_iter().find(|op| op.symbol() == symbol))
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}
