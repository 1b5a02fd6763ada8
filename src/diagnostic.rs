//! Diagnostics as plain data. Rendering lives in `render`.

use crate::source::Span;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A secondary location with a short message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub severity: Severity,
    /// One line, lowercase, user input in backticks.
    pub message: String,
    /// Primary location; `None` only for findings about the invocation itself.
    pub span: Option<Span>,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    /// The resource address the finding is about, when inside a resource.
    pub resource: Option<String>,
}

impl Diagnostic {
    pub fn new(code: &'static str, severity: Severity, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity,
            message: message.into(),
            span: None,
            labels: Vec::new(),
            help: None,
            resource: None,
        }
    }
    pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(code, Severity::Error, message)
    }
    pub fn warning(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(code, Severity::Warning, message)
    }
    pub fn at(mut self, span: Option<Span>) -> Diagnostic {
        self.span = span;
        self
    }
    pub fn label(mut self, span: Option<Span>, message: impl Into<String>) -> Diagnostic {
        if let Some(span) = span {
            self.labels.push(Label { span, message: message.into() });
        }
        self
    }
    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }
    pub fn resource(mut self, address: impl Into<String>) -> Diagnostic {
        self.resource = Some(address.into());
        self
    }
}

/// Codes of the diagnostics the compiler itself (not the policy rules) reports.
pub mod codes {
    /// A source, variable file or path could not be read.
    pub const READ: &str = "KMS001";
    /// HCL or JSON syntax error.
    pub const SYNTAX: &str = "KMS002";
    /// A reference to something not declared (variable, local, resource, attribute).
    pub const UNDEFINED: &str = "KMS003";
    /// A function call failed or named an unknown function.
    pub const FUNCTION: &str = "KMS004";
    /// A value has the wrong type for where it is used.
    pub const TYPE: &str = "KMS005";
    /// A variable value from outside (tfvars, `--var`, `TF_VAR_`) is invalid.
    pub const VARIABLE: &str = "KMS006";
    /// An object constructor or `for` expression repeats a key.
    pub const DUPLICATE_KEY: &str = "KMS007";
    /// A value unknown until apply is needed where kmsc cannot leave it symbolic.
    pub const UNKNOWN: &str = "KMS008";
    /// An evaluation limit (nesting, size) was reached.
    pub const LIMIT: &str = "KMS009";
    /// The policy does not have the shape of an IAM policy document.
    pub const POLICY_SHAPE: &str = "KMS010";
    /// A key gets its policy both inline and from an `aws_kms_key_policy`.
    pub const POLICY_TWICE: &str = "KMS011";
    /// A module call cannot be loaded (not local, missing, a cycle).
    pub const MODULE: &str = "KMS012";
}

/// Documentation of one diagnostic code: what `kmsc rules` lists and `kmsc explain` prints.
#[derive(Debug)]
pub struct CodeInfo {
    pub code: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    /// What it catches, why it matters, and how to fix it.
    pub explanation: &'static str,
}

/// Every code kmsc can report, in code order.
pub const REGISTRY: &[CodeInfo] = &[
    CodeInfo {
        code: codes::READ,
        severity: Severity::Error,
        summary: "a file could not be read",
        explanation: "A `.tf` file, a tfvars file or a `--var-file` could not be read, or is not valid UTF-8 (reported at its first invalid byte). A PATH or `--var-file` named on the command line that cannot be opened stops the run instead (exit status 2).\n\nWhy it matters: Terraform would refuse the same module; kmsc cannot check what it cannot read.\n\nExample:\n    envs/prod/main.tf   # saved as UTF-16, or a binary file named `.tf`\nFix: check the file's permissions; save it as UTF-8 text, or move a file that is not configuration out of the module:\n    iconv -f UTF-16 -t UTF-8 main.tf > main.tf.new && mv main.tf.new main.tf",
    },
    CodeInfo {
        code: codes::SYNTAX,
        severity: Severity::Error,
        summary: "invalid HCL or JSON syntax",
        explanation: "The file is not valid HCL (or a JSON policy is not valid JSON).\n\nWhy it matters: `terraform plan` fails on the same file.\n\nExample:\n    policy = jsonencode({ Version = \"2012-10-17\" Statement = [] })\nFix: separate attributes by newlines or commas:\n    policy = jsonencode({ Version = \"2012-10-17\", Statement = [] })",
    },
    CodeInfo {
        code: codes::UNDEFINED,
        severity: Severity::Error,
        summary: "reference to something that is not declared",
        explanation: "An expression refers to a variable, local value, resource, data source or attribute that does not exist.\n\nWhy it matters: Terraform rejects the configuration (`Reference to undeclared input variable`).\n\nExample:\n    Principal = { AWS = var.admin_arn }   # no variable \"admin_arn\"\nFix: declare it:\n    variable \"admin_arn\" { type = string }",
    },
    CodeInfo {
        code: codes::FUNCTION,
        severity: Severity::Error,
        summary: "a function call failed",
        explanation: "A built-in function was called with invalid arguments (`element([], 0)`, `1/0`), or the function does not exist.\n\nWhy it matters: Terraform stops with the same error at plan time.\n\nExample:\n    Sid = element(var.sids, 0)   # var.sids is empty\nFix: correct the arguments, or guard the call with `try(...)` or a conditional:\n    Sid = try(element(var.sids, 0), \"Default\")",
    },
    CodeInfo {
        code: codes::TYPE,
        severity: Severity::Error,
        summary: "a value has the wrong type",
        explanation: "A value cannot be used where it appears: a condition that is not a bool, a list in a string template, an index into a set, two conditional results of incompatible types.\n\nWhy it matters: Terraform reports the same type error at plan time.\n\nExample:\n    Sid = \"${var.admins}\"        # a list in a template\nFix:\n    Sid = join(\",\", var.admins)",
    },
    CodeInfo {
        code: codes::VARIABLE,
        severity: Severity::Error,
        summary: "invalid variable value",
        explanation: "A value given in a tfvars file, with `--var` or in `TF_VAR_name` cannot be converted to the variable's declared type, uses references or functions (tfvars allow only constants), or names a variable that is not declared.\n\nWhy it matters: Terraform refuses the same input.\n\nExample:\n    # variable \"admins\" { type = list(string) }\n    admins = \"arn:aws:iam::111122223333:role/admin\"\nFix:\n    admins = [\"arn:aws:iam::111122223333:role/admin\"]",
    },
    CodeInfo {
        code: codes::DUPLICATE_KEY,
        severity: Severity::Error,
        summary: "an object repeats a key",
        explanation: "An object constructor or a `for` expression produces the same key twice.\n\nWhy it matters: in a policy, a repeated key (a second `Condition`, a second `Action`) silently replaces the first, so the policy says less than it seems to.\n\nExample:\n    Condition = { StringEquals = { \"kms:CallerAccount\" = \"111122223333\" } }\n    Condition = { Bool = { \"aws:SecureTransport\" = \"true\" } }\nFix: merge the two entries into one:\n    Condition = {\n      StringEquals = { \"kms:CallerAccount\" = \"111122223333\" }\n      Bool         = { \"aws:SecureTransport\" = \"true\" }\n    }",
    },
    CodeInfo {
        code: codes::UNKNOWN,
        severity: Severity::Error,
        summary: "a value is unknown until apply",
        explanation: "The policy (or `count`/`for_each`) depends on a value Terraform only knows at apply time (a data source, a resource attribute, a module output, a variable with no value), and kmsc needs it to produce the requested output (for example `--emit terraform`).\n\nWhy it matters: kmsc never guesses such values.\n\nExample:\n    kmsc build --emit terraform   # the policy uses data.aws_caller_identity.current.account_id\nFix: give the value with `--set ADDRESS=VALUE` (for example `--set data.aws_caller_identity.current.account_id=111122223333`) or `--var NAME=VALUE`.",
    },
    CodeInfo {
        code: codes::LIMIT,
        severity: Severity::Error,
        summary: "an evaluation limit was reached",
        explanation: "An expression is nested too deeply or would produce too large a value (see the README's limits).\n\nWhy it matters: such input is almost certainly generated by mistake, and kmsc refuses it rather than exhaust memory or time.\n\nExample:\n    locals { a = [local.b] }   # and so on, 500 locals deep\nFix: simplify the expression; build deep structures with `for` expressions instead of chains.",
    },
    CodeInfo {
        code: codes::POLICY_SHAPE,
        severity: Severity::Error,
        summary: "the policy is not a valid IAM policy document",
        explanation: "The evaluated policy does not have the shape of an IAM policy document: an unknown member (`Statment`), a value of the wrong type (`Action = { ... }`), both `Action` and `NotAction`, or text that is not JSON.\n\nWhy it matters: AWS rejects the policy with MalformedPolicyDocumentException at apply time.\n\nExample:\n    Statement = [{ Effect = \"Allow\", Actions = [\"kms:Decrypt\"] }]\nFix:\n    Statement = [{ Effect = \"Allow\", Action = [\"kms:Decrypt\"] }]",
    },
    CodeInfo {
        code: codes::POLICY_TWICE,
        severity: Severity::Error,
        summary: "a key's policy is set in two places",
        explanation: "An `aws_kms_key` has a `policy` argument and an `aws_kms_key_policy` resource also sets its policy.\n\nWhy it matters: both resources write the same key policy; every apply replaces one with the other, and which one AWS holds depends on the order of operations.\n\nExample:\n    resource \"aws_kms_key\" \"app\" { policy = jsonencode({ ... }) }\n    resource \"aws_kms_key_policy\" \"app\" { key_id = aws_kms_key.app.id, policy = ... }\nFix: keep one of them; with `aws_kms_key_policy`, remove the key's `policy` argument.",
    },
    CodeInfo {
        code: codes::MODULE,
        severity: Severity::Error,
        summary: "a module cannot be loaded",
        explanation: "A `module` block cannot be loaded: its `source` is not a literal, the directory does not exist, two modules include each other, or the source is a registry or git address (a warning: kmsc never fetches modules, so the keys of such a module are not checked).\n\nWhy it matters: keys defined in a module kmsc cannot load are not compiled or checked.\n\nExample:\n    module \"kms\" { source = \"./modules/kms\" }   # the directory is missing\nFix: point `source` at the module's directory, relative to the calling module.",
    },
];

/// The documentation of `code`, case-insensitively.
pub fn lookup(code: &str) -> Option<&'static CodeInfo> {
    REGISTRY.iter().find(|c| c.code.eq_ignore_ascii_case(code))
}

/// `n` with thousands separators, for messages (`40,960`).
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(thousands(32_768), "32,768");
        assert_eq!(thousands(10_000), "10,000");
        assert_eq!(thousands(999), "999");
    }
}
