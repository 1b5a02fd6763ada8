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
            self.labels.push(Label {
                span,
                message: message.into(),
            });
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
    /// The file could not be read or is not valid UTF-8.
    pub const READ: &str = "KMS001";
    /// HCL or JSON syntax error.
    pub const SYNTAX: &str = "KMS002";
    /// A reference to something not declared (variable, local, resource).
    pub const UNDEFINED: &str = "KMS003";
    /// A function call failed or named an unknown function.
    pub const FUNCTION: &str = "KMS004";
    /// A value has the wrong type for where it is used.
    pub const TYPE: &str = "KMS005";
    /// A variable value from outside (tfvars, --var, TF_VAR_) is invalid.
    pub const VARIABLE: &str = "KMS006";
    /// An object constructor repeats a key.
    pub const DUPLICATE_KEY: &str = "KMS007";
    /// A value unknown until apply is needed where kmsc cannot leave it symbolic.
    pub const UNKNOWN: &str = "KMS008";
    /// The policy does not have the shape of an IAM policy document.
    pub const POLICY_SHAPE: &str = "KMS010";
    /// An evaluation limit (nesting, size) was reached.
    pub const LIMIT: &str = "KMS009";
}
