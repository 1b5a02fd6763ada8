//! Type constraint expressions of `variable` blocks (`list(string)`, `object({...})`, ...).

use std::collections::BTreeMap;

use hcl::edit::expr::{Expression, ObjectKey};

use crate::value::Type;

/// How `--var` and `TF_VAR_` values of a variable are parsed: literal strings for
/// primitive types or no type, HCL for the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseMode {
    Literal,
    Hcl,
}

/// Parses a type constraint; `Err` holds a message.
pub fn parse_type(expr: &Expression) -> Result<Type, String> {
    match expr {
        Expression::Variable(id) => match id.as_str() {
            "string" => Ok(Type::String),
            "number" => Ok(Type::Number),
            "bool" => Ok(Type::Bool),
            "any" => Ok(Type::Dynamic),
            "list" => Ok(Type::List(Box::new(Type::Dynamic))),
            "map" => Ok(Type::Map(Box::new(Type::Dynamic))),
            "set" => Ok(Type::Set(Box::new(Type::Dynamic))),
            other => Err(format!("unknown type `{other}`")),
        },
        // Legacy quoted type names.
        Expression::String(s) => match s.value().as_str() {
            "string" => Ok(Type::String),
            "list" => Ok(Type::List(Box::new(Type::Dynamic))),
            "map" => Ok(Type::Map(Box::new(Type::Dynamic))),
            other => Err(format!("unknown type `{other}`")),
        },
        Expression::Parenthesis(p) => parse_type(p.inner()),
        Expression::FuncCall(call) => {
            let name = call.name.name.as_str();
            let args: Vec<&Expression> = call.args.iter().collect();
            let one = |args: &[&Expression]| -> Result<Type, String> {
                match args {
                    [a] => parse_type(a),
                    _ => Err(format!("`{name}(...)` takes exactly one type")),
                }
            };
            match name {
                "list" => Ok(Type::List(Box::new(one(&args)?))),
                "set" => Ok(Type::Set(Box::new(one(&args)?))),
                "map" => Ok(Type::Map(Box::new(one(&args)?))),
                "optional" => match args.as_slice() {
                    [a] | [a, _] => parse_type(a),
                    _ => Err("`optional(...)` takes a type and an optional default".to_string()),
                },
                "tuple" => match args.as_slice() {
                    [Expression::Array(items)] => {
                        items.iter().map(parse_type).collect::<Result<_, _>>().map(Type::Tuple)
                    }
                    _ => Err("`tuple(...)` takes a list of types, as in `tuple([string, number])`".to_string()),
                },
                "object" => match args.as_slice() {
                    [Expression::Object(obj)] => {
                        let mut attrs = BTreeMap::new();
                        let mut optional = Vec::new();
                        for (k, v) in obj.iter() {
                            let key = match k {
                                ObjectKey::Ident(id) => id.as_str().to_string(),
                                ObjectKey::Expression(Expression::String(s)) => s.value().to_string(),
                                ObjectKey::Expression(Expression::Variable(id)) => id.as_str().to_string(),
                                ObjectKey::Expression(_) => {
                                    return Err("object attribute names must be identifiers".to_string());
                                }
                            };
                            if let Expression::FuncCall(c) = v.expr()
                                && c.name.name.as_str() == "optional"
                            {
                                optional.push(key.clone());
                            }
                            attrs.insert(key, parse_type(v.expr())?);
                        }
                        Ok(Type::Object(attrs, optional))
                    }
                    _ => Err("`object(...)` takes an object of attribute types, as in `object({ name = string })`"
                        .to_string()),
                },
                other => Err(format!("unknown type constructor `{other}`")),
            }
        }
        _ => Err("a type constraint must be a type such as `string`, `list(string)` or `object({...})`".to_string()),
    }
}

/// The parse mode Terraform uses for a declared type (`None`: no `type` argument).
pub fn parse_mode(ty: Option<&Type>) -> ParseMode {
    match ty {
        None | Some(Type::String | Type::Number | Type::Bool) => ParseMode::Literal,
        Some(_) => ParseMode::Hcl,
    }
}
