//! The `kmsc` command line: flags are parsed here, resolved once into library options, and
//! results are printed here. Exit status: 0 no error, 1 error diagnostics, 2 kmsc could not
//! do its job.

use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use kmsc::compile::{Compilation, Options};
use kmsc::diagnostic::{Diagnostic, Severity, codes};
use kmsc::render::{DiagStream, Format};
use kmsc::rules::{all_codes, lookup};
use kmsc::vars::CliVar;

/// kmsc allocates many small nodes (syntax trees, values) on every thread; mimalloc's
/// thread-local heaps make that about a third cheaper than the system allocator (see
/// `kmsc::alloc` for how it is called).
#[global_allocator]
static GLOBAL: kmsc::alloc::Allocator = kmsc::alloc::Allocator;

#[derive(Parser, Debug)]
#[command(name = "kmsc", version, about = "Compile and check AWS KMS key policies written in Terraform")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Compile every KMS key policy under PATH and print it
    Build(BuildArgs),
    /// Analyse like `build`, print diagnostics only
    Check(CommonArgs),
    /// Compare two key policies (or sets of them) by meaning; exit 1 when they differ
    Diff(DiffArgs),
    /// Show which KMS actions each principal may perform on each key
    Access(AccessArgs),
    /// Print the documentation of one diagnostic code
    Explain {
        /// A code such as KMS010
        code: String,
    },
    /// List every diagnostic code with its default severity and summary
    Rules,
    /// Print a shell completion script for kmsc
    Completions {
        /// The shell to complete in
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print kmsc's man page (roff)
    Manpage,
}

/// Values of variables and of what is known only at apply time, for every command that
/// evaluates Terraform.
#[derive(clap::Args, Debug)]
struct ValueArgs {
    /// Set a variable: NAME=VALUE (repeatable)
    #[arg(long = "var", value_name = "NAME=VALUE")]
    vars: Vec<String>,
    /// Load variable values from a tfvars file (repeatable)
    #[arg(long = "var-file", value_name = "FILE")]
    var_files: Vec<PathBuf>,
    /// Fix a value known only at apply time: ADDRESS=VALUE (repeatable)
    #[arg(long = "set", value_name = "ADDRESS=VALUE")]
    sets: Vec<String>,
}

#[derive(clap::Args, Debug)]
struct CommonArgs {
    /// `.tf`/`.tf.json` files or module directories (default: the current directory)
    paths: Vec<PathBuf>,
    /// Treat every directory below PATH holding `.tf` files as a root module (skips
    /// `.terraform/`, hidden directories and what `.gitignore` excludes)
    #[arg(short = 'r', long)]
    recursive: bool,
    #[command(flatten)]
    values: ValueArgs,
    /// Diagnostic output format
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    format: FormatArg,
    /// AWS partition used to expand bare account IDs in principals
    #[arg(long, default_value = "aws", value_name = "PARTITION")]
    partition: String,
    /// Make a code an error (repeatable); `--deny warnings` makes every warning fail the run
    #[arg(long, value_name = "CODE|warnings")]
    deny: Vec<String>,
    /// Make a code a warning (repeatable)
    #[arg(long, value_name = "CODE")]
    warn: Vec<String>,
    /// Silence a code (repeatable)
    #[arg(long, value_name = "CODE")]
    allow: Vec<String>,
    /// After the run, print one summary line (roots, keys, policies, findings, time) on stderr
    #[arg(long)]
    stats: bool,
    /// Compile this many root modules at a time (default: one per CPU); output is the same
    /// whatever the number
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
    /// Read each PATH as a file and analyse the module (directory) holding it, once per
    /// directory (for pre-commit, which passes changed files)
    #[arg(long, hide = true)]
    modules_of_files: bool,
}

#[derive(clap::Args, Debug)]
struct BuildArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// What to print for each key
    #[arg(long, value_enum, default_value_t = EmitArg::Canonical)]
    emit: EmitArg,
    /// Print only the policy of this resource address
    #[arg(long, value_name = "ADDRESS")]
    key: Option<String>,
    /// Write each canonical policy to DIR/<address>.json instead of printing (golden files)
    #[arg(long, value_name = "DIR", conflicts_with = "key")]
    out_dir: Option<PathBuf>,
    /// With --out-dir: write nothing, print how DIR differs from what would be written
    #[arg(long, requires = "out_dir")]
    check: bool,
    /// Print policies that hold sensitive values even when stdout is a terminal (they are
    /// shown as `(sensitive value)` there otherwise)
    #[arg(long)]
    show_sensitive: bool,
}

#[derive(clap::Args, Debug)]
struct DiffArgs {
    /// The old policies: a policy JSON file, a golden directory or a Terraform path
    old: PathBuf,
    /// The new policies, in any of the forms of OLD
    new: PathBuf,
    /// Compare only the policy of this resource address
    #[arg(long, value_name = "ADDRESS")]
    key: Option<String>,
    /// Report format
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    format: ReportFormat,
    /// Variables and fixed values, for a side given as Terraform (both sides get them)
    #[command(flatten)]
    values: ValueArgs,
}

#[derive(clap::Args, Debug)]
struct AccessArgs {
    /// A policy JSON file, a golden directory or a Terraform path
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Show only the policy of this resource address
    #[arg(long, value_name = "ADDRESS")]
    key: Option<String>,
    /// Report format
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    format: ReportFormat,
    /// Variables and fixed values, when PATH is Terraform
    #[command(flatten)]
    values: ValueArgs,
}

/// Output of `diff` and `access`.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum ReportFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum FormatArg {
    Human,
    Json,
    Sarif,
    Github,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum EmitArg {
    /// The canonical IAM JSON of each policy
    Canonical,
    /// The exact string Terraform computes for the `policy` argument
    Terraform,
}

/// kmsc could not do its job (exit status 2).
struct Fatal(String);

use kmsc::source::SENSITIVE;

/// A policy's text as `build` would print it, and whether it holds a sensitive value.
struct Emitted {
    text: String,
    sensitive: bool,
}

/// What `build` prints for a policy: its text, or `None` (print `(sensitive value)`
/// instead) when it holds a sensitive value, stdout is a terminal and `--show-sensitive`
/// is absent. Pipes, files and golden directories get the text, as `terraform output
/// -json` does.
fn redact(output: &Emitted, is_terminal: bool, show_sensitive: bool) -> Option<&str> {
    if output.sensitive && is_terminal && !show_sensitive { None } else { Some(&output.text) }
}

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => e.exit(),
    };
    // Order of --var and --var-file as given, for Terraform's precedence.
    let sub = matches.subcommand().map(|(_, m)| m);
    let order = sub.map(cli_var_order).unwrap_or_default();
    match run(cli, order) {
        Ok(code) => ExitCode::from(code),
        Err(Fatal(msg)) => {
            let _ = writeln!(std::io::stderr(), "kmsc: error: {msg}");
            ExitCode::from(2)
        }
    }
}

/// `(index, is_file, position in its own list)` for every `--var` and `--var-file`.
fn cli_var_order(m: &clap::ArgMatches) -> Vec<(usize, bool, usize)> {
    let mut out = Vec::new();
    for (id, file) in [("vars", false), ("var_files", true)] {
        if let Ok(Some(idx)) = m.try_get_raw(id).map(|_| m.indices_of(id)) {
            for (n, i) in idx.enumerate() {
                out.push((i, file, n));
            }
        }
    }
    out.sort();
    out
}

fn run(cli: Cli, order: Vec<(usize, bool, usize)>) -> Result<u8, Fatal> {
    let started = std::time::Instant::now();
    match cli.command {
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "kmsc", &mut script);
            print_stdout(&String::from_utf8_lossy(&script));
            Ok(0)
        }
        Command::Manpage => {
            print_stdout(&man_page().map_err(|e| Fatal(format!("cannot render the man page: {e}")))?);
            Ok(0)
        }
        Command::Rules => {
            let mut out = String::new();
            for c in all_codes() {
                out.push_str(&format!("{}  {:<7}  {}\n", c.code, c.severity.as_str(), c.summary));
            }
            print_stdout(&out);
            Ok(0)
        }
        Command::Explain { code } => match lookup(&code) {
            Some(c) => {
                print_stdout(&format!("{} ({}): {}\n\n{}\n", c.code, c.severity.as_str(), c.summary, c.explanation));
                Ok(0)
            }
            None => Err(Fatal(format!("unknown diagnostic code `{code}`; `kmsc rules` lists them"))),
        },
        Command::Diff(args) => run_diff(&args, &order),
        Command::Access(args) => run_access(&args, &order),
        Command::Check(common) => {
            let mut run = prepare(&common, &order)?;
            // Check prints diagnostics only.
            run.options.canonical = false;
            let mut diags = DiagStream::new(diag_format(common.format), color(std::io::stdout().is_terminal()));
            let mut tally = Tally::default();
            each_root(&run, |_, c| {
                tally.add(&c, run.strict);
                print_stdout(&diags.push(&c.sources, &c.diagnostics));
            })?;
            print_stdout(&diags.finish());
            if common.stats {
                tally.print(started);
            }
            Ok(tally.status())
        }
        Command::Build(args) => {
            if args.out_dir.is_some() && args.emit == EmitArg::Terraform {
                return Err(Fatal(
                    "`--out-dir` writes canonical policies; it cannot be used with `--emit terraform`".into(),
                ));
            }
            let mut run = prepare(&args.common, &order)?;
            let printing = args.out_dir.is_none() && args.key.is_none();
            if printing {
                // Written as entries of one document: indented for it by the workers.
                run.options.canonical_level = 1;
            }
            let several = run.roots.len() > 1;
            let terminal = std::io::stdout().is_terminal();
            let mut diags = DiagStream::new(diag_format(args.common.format), color(std::io::stderr().is_terminal()));
            let mut tally = Tally::default();
            let mut hidden: Vec<String> = Vec::new();
            let mut key_output: Option<String> = None;
            let mut key_known = false;
            // `--out-dir` writes nothing unless the whole build succeeds: its files are kept
            // until the end (as text only); printed policies go out root by root.
            let mut golden: Vec<(PathBuf, String)> = Vec::new();
            let mut golden_sensitive: HashSet<String> = HashSet::new();
            let mut set = kmsc::emit::DocumentSet::new(match args.emit {
                EmitArg::Canonical => kmsc::emit::SetValues::Policies,
                EmitArg::Terraform => kmsc::emit::SetValues::Strings,
            });
            each_root(&run, |prefix, mut c| {
                let mut extra = Vec::new();
                let mut entries: Vec<(String, String)> = Vec::new();
                // The texts are moved out: `c` is dropped once this root is printed.
                for p in &mut c.policies {
                    if args.out_dir.is_some() {
                        if let Some(text) = p.canonical.take() {
                            let rel = kmsc::golden::rel_path(several.then_some(prefix), &p.address);
                            if p.sensitive {
                                golden_sensitive.insert(slash_path(&rel));
                            }
                            golden.push((rel, text));
                        }
                        continue;
                    }
                    let address = if several { format!("{prefix}:{}", p.address) } else { p.address.clone() };
                    if let Some(k) = &args.key {
                        key_known |= p.address == *k || address == *k;
                        if *k != address {
                            continue;
                        }
                    }
                    let text = match args.emit {
                        EmitArg::Canonical => p.canonical.take(),
                        EmitArg::Terraform => match p.terraform.take() {
                            Some(s) => Some(s),
                            None => {
                                extra.push(terraform_unknown(p));
                                None
                            }
                        },
                    };
                    let text = text.map(|text| {
                        let output = Emitted { text, sensitive: p.sensitive };
                        match redact(&output, terminal, args.show_sensitive) {
                            Some(_) => output.text,
                            None => {
                                hidden.push(address.clone());
                                match args.emit {
                                    // Still a JSON document.
                                    EmitArg::Canonical => format!("\"{SENSITIVE}\"\n"),
                                    EmitArg::Terraform => SENSITIVE.to_string(),
                                }
                            }
                        }
                    });
                    if let Some(text) = text {
                        if args.key.is_some() {
                            key_output = Some(match args.emit {
                                EmitArg::Terraform => format!("{text}\n"),
                                EmitArg::Canonical => text,
                            });
                        } else {
                            entries.push((address, text));
                        }
                    }
                }
                c.diagnostics.extend(extra);
                tally.add(&c, run.strict);
                print_stderr(&diags.push(&c.sources, &c.diagnostics));
                if printing {
                    entries.sort();
                    let mut text = String::new();
                    for (address, policy) in &entries {
                        set.entry(&mut text, address, policy);
                    }
                    print_stdout(&text);
                }
            })?;
            print_stderr(&diags.finish());
            if let Some(dir) = &args.out_dir {
                let reveal = args.show_sensitive || !terminal;
                let code = golden_files(dir, args.check, &golden, &golden_sensitive, tally.status(), reveal)?;
                if args.common.stats {
                    tally.print(started);
                }
                return Ok(code);
            }
            for address in &hidden {
                print_stderr(&format!(
                    "kmsc: note: the policy of `{address}` holds a sensitive value and is shown as {SENSITIVE} on \
                     this terminal; pass `--show-sensitive` to print it, or redirect the output\n"
                ));
            }
            match &args.key {
                Some(k) => match key_output {
                    Some(out) => print_stdout(&out),
                    None if !key_known => return Err(Fatal(format!("no key policy with address `{k}`"))),
                    None => {}
                },
                None => print_stdout(&set.finish()),
            }
            if args.common.stats {
                tally.print(started);
            }
            Ok(tally.status())
        }
    }
}

/// `diff OLD NEW`: 0 when every pair of policies means the same, 1 otherwise.
fn run_diff(args: &DiffArgs, order: &[(usize, bool, usize)]) -> Result<u8, Fatal> {
    let options = ValueInputs::from_args(&args.values, order)?.semantic_options()?;
    let old = kmsc::semantics::load(&args.old, &options).map_err(Fatal)?;
    let new = kmsc::semantics::load(&args.new, &options).map_err(Fatal)?;
    print_notes(old.notes.iter().chain(&new.notes));
    let report = kmsc::diff::diff_sets(&old, &new, args.key.as_deref()).map_err(Fatal)?;
    print_stdout(&match args.format {
        ReportFormat::Human => report.human(),
        ReportFormat::Json => report.json(),
    });
    Ok(if report.equivalent() { 0 } else { 1 })
}

/// `access PATH`: who may do what with each key.
fn run_access(args: &AccessArgs, order: &[(usize, bool, usize)]) -> Result<u8, Fatal> {
    let options = ValueInputs::from_args(&args.values, order)?.semantic_options()?;
    let set = kmsc::semantics::load(&args.path, &options).map_err(Fatal)?;
    print_notes(set.notes.iter());
    let report = kmsc::access::access_report(&set, args.key.as_deref()).map_err(Fatal)?;
    print_stdout(&match args.format {
        ReportFormat::Human => report.human(),
        ReportFormat::Json => report.json(),
    });
    Ok(0)
}

fn print_notes<'a>(notes: impl Iterator<Item = &'a String>) {
    for n in notes {
        print_stderr(&format!("kmsc: note: {n}\n"));
    }
}

fn terraform_unknown(p: &kmsc::compile::CompiledPolicy) -> Diagnostic {
    let reference = p.unknown.clone().unwrap_or_else(|| "the policy".to_string());
    Diagnostic::error(
        codes::UNKNOWN,
        format!(
            "cannot print Terraform's string for `{}`: it depends on `{reference}`, which is unknown until apply",
            p.address
        ),
    )
    .at(p.span)
    .resource(p.address.clone())
    .help(if reference.contains('(') {
        // A function's result (`uuid()`, `upper(var.x)`): `--set` fixes references only.
        "`--set` cannot fix the result of a function: give its unknown arguments a value (`--var`, `--set`), or \
         use `--emit canonical`"
            .to_string()
    } else {
        format!("fix the value with `--set {reference}=VALUE`, or use `--emit canonical`")
    })
}

fn diag_format(format: FormatArg) -> Format {
    match format {
        FormatArg::Human => Format::Human,
        FormatArg::Json => Format::Json,
        FormatArg::Github => Format::Github,
        FormatArg::Sarif => Format::Sarif,
    }
}

/// Colour on a terminal, unless `NO_COLOR` is set.
fn color(terminal: bool) -> bool {
    terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// What the roots of a run found, counted as their results go by.
#[derive(Default)]
struct Tally {
    roots: usize,
    keys: usize,
    policies: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    failing: bool,
}

impl Tally {
    fn add(&mut self, c: &Compilation, strict: bool) {
        self.roots += 1;
        self.policies += c.policies.len();
        // A policy comes from a key resource or from an `aws_kms_key_policy` resource.
        self.keys += c.policies.iter().filter(|p| resource_type(&p.address) != "aws_kms_key_policy").count();
        for d in &c.diagnostics {
            match d.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Info => self.infos += 1,
            }
            self.failing |= d.severity == Severity::Error || (strict && d.severity == Severity::Warning);
        }
    }

    /// 1 when an error (or, with `--deny warnings`, a warning) was found.
    fn status(&self) -> u8 {
        u8::from(self.failing)
    }

    /// `--stats`: one summary line on stderr.
    fn print(&self, started: std::time::Instant) {
        print_stderr(&format!(
            "kmsc: {} roots, {} keys, {} policies, {} errors, {} warnings, {} infos in {} ms\n",
            self.roots,
            self.keys,
            self.policies,
            self.errors,
            self.warnings,
            self.infos,
            started.elapsed().as_millis(),
        ));
    }
}

fn slash_path(rel: &Path) -> String {
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// `build --out-dir DIR [--check]`; DIR is left untouched when the build failed (`code`).
/// Without `reveal`, `--check` shows the diff of a policy holding a sensitive value as
/// `(sensitive value)`.
fn golden_files(
    dir: &Path,
    check: bool,
    entries: &[(PathBuf, String)],
    sensitive: &HashSet<String>,
    code: u8,
    reveal: bool,
) -> Result<u8, Fatal> {
    if code != 0 {
        return Ok(code);
    }
    let plan = kmsc::golden::plan(entries, dir).map_err(Fatal)?;
    if !check {
        kmsc::golden::write(&plan).map_err(Fatal)?;
        return Ok(0);
    }
    let mut diffs = kmsc::golden::check(&plan);
    if !reveal {
        for d in diffs.iter_mut().filter(|d| sensitive.contains(&d.path)) {
            use kmsc::golden::LineKind;
            d.lines.retain(|(k, _)| *k == LineKind::Header);
            d.lines.push((LineKind::Note, SENSITIVE.to_string()));
        }
    }
    print_stdout(&kmsc::golden::render(&diffs, color(std::io::stdout().is_terminal())));
    Ok(if diffs.is_empty() { 0 } else { 1 })
}

/// A run over root modules, resolved from the command line.
struct Run {
    /// `(prefix, path)` of each root module, in output order.
    roots: Vec<(String, PathBuf)>,
    options: Options,
    /// `--deny warnings`.
    strict: bool,
    jobs: usize,
}

/// Compiles the roots of `run` in parallel and gives each result to `sink` in the order of
/// `run.roots` (the same order with one thread or many), dropping it afterwards.
fn each_root(run: &Run, mut sink: impl FnMut(&str, Compilation)) -> Result<(), Fatal> {
    let paths: Vec<PathBuf> = run.roots.iter().map(|(_, p)| p.clone()).collect();
    let mut failed = None;
    // Every PATH and variable file is checked before the first root is compiled, so a run
    // stopped by one of them (exit 2) prints nothing.
    kmsc::compile::compile_each(&paths, &run.options, run.jobs, |i, result| match result {
        Ok(c) => {
            sink(&run.roots[i].0, c);
            true
        }
        Err(e) => {
            failed = Some(Fatal(e));
            false
        }
    })
    .map_err(Fatal)?;
    failed.map_or(Ok(()), Err)
}

/// `--var`, `--var-file` (in the order given, for Terraform's precedence), `--set` and the
/// `TF_VAR_` environment variables, checked.
struct ValueInputs {
    env_vars: Vec<(String, String)>,
    cli_vars: Vec<CliVar>,
    sets: Vec<(String, String)>,
}

impl ValueInputs {
    fn from_args(args: &ValueArgs, order: &[(usize, bool, usize)]) -> Result<ValueInputs, Fatal> {
        let mut cli_vars = Vec::new();
        for &(_, is_file, n) in order {
            if is_file {
                cli_vars.push(CliVar::File(args.var_files[n].clone()));
            } else {
                let raw = &args.vars[n];
                let Some((name, value)) = raw.split_once('=') else {
                    return Err(Fatal(format!("invalid `--var {raw}`: expected NAME=VALUE")));
                };
                cli_vars.push(CliVar::Var { name: name.trim().to_string(), value: value.to_string() });
            }
        }
        let mut sets = Vec::new();
        for raw in &args.sets {
            let Some((addr, value)) = raw.split_once('=') else {
                return Err(Fatal(format!("invalid `--set {raw}`: expected ADDRESS=VALUE")));
            };
            sets.push((addr.trim().to_string(), value.to_string()));
        }
        let env_vars = std::env::vars_os()
            .filter_map(|(k, v)| {
                let k = k.into_string().ok()?;
                let name = k.strip_prefix("TF_VAR_")?.to_string();
                Some((name, v.into_string().ok()?))
            })
            .collect();
        Ok(ValueInputs { env_vars, cli_vars, sets })
    }

    /// Options for `diff` and `access`, which read the typed policies: every variable file
    /// must be readable (whether or not a side is Terraform), as for `build` and `check`.
    fn semantic_options(self) -> Result<Options, Fatal> {
        kmsc::compile::check_var_files(&self.cli_vars).map_err(Fatal)?;
        Ok(Options { env_vars: self.env_vars, cli_vars: self.cli_vars, sets: self.sets, ..Options::default() })
    }
}

/// Resolves the command line into a run: each PATH (or, with `-r`, each directory below it
/// holding `.tf` files) is a root module; its prefix is its path relative to the working
/// directory.
fn prepare(common: &CommonArgs, order: &[(usize, bool, usize)]) -> Result<Run, Fatal> {
    let mut strict = false;
    let mut overrides = kmsc::rules::Overrides::default();
    for (list, target) in [(&common.deny, 0), (&common.warn, 1), (&common.allow, 2)] {
        for code in list {
            if target == 0 && code == "warnings" {
                strict = true;
                continue;
            }
            let Some(info) = kmsc::rules::lookup(code) else {
                return Err(Fatal(format!("unknown diagnostic code `{code}`; `kmsc rules` lists them")));
            };
            let code = info.code.to_string();
            match target {
                0 => overrides.deny.push(code),
                1 => overrides.warn.push(code),
                _ => overrides.allow.push(code),
            }
        }
    }
    let values = ValueInputs::from_args(&common.values, order)?;
    // Build and check print strings only: drop evaluated values once the rules have run.
    let mut options = Options {
        env_vars: values.env_vars,
        cli_vars: values.cli_vars,
        sets: values.sets,
        partition: common.partition.clone(),
        overrides,
        lean: true,
        jobs: 1,
        canonical: true,
        canonical_level: 0,
    };
    let paths = if common.modules_of_files {
        modules_of_files(&common.paths)
    } else if common.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        common.paths.clone()
    };
    let roots: Vec<PathBuf> = if common.recursive {
        let mut roots = Vec::new();
        for p in &paths {
            roots.extend(root_modules(p)?);
        }
        roots.sort();
        roots.dedup();
        // The same directory reached by two spellings (`a` and `a/link-to-dot`, `./a`):
        // one root, the first spelling in order.
        let mut seen = std::collections::HashSet::new();
        roots.retain(|r| seen.insert(std::fs::canonicalize(r).unwrap_or_else(|_| r.clone())));
        roots
    } else {
        paths
    };
    // Output is sorted by `prefix:address`: roots go in the order of their prefix followed
    // by `:` (`a/b:` sorts after `a/b/c:`), each root's entries sorted among themselves.
    let mut roots: Vec<(String, PathBuf)> = roots.into_iter().map(|p| (module_prefix(&p), p)).collect();
    roots.sort_by_cached_key(|(prefix, path)| (format!("{prefix}:"), path.clone()));
    let jobs =
        common.jobs.map(usize::from).unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    // Several roots compile in parallel, each on one thread; one root parses its files in
    // parallel.
    if roots.len() == 1 {
        options.jobs = jobs;
    }
    Ok(Run { roots, options, strict, jobs })
}

/// Every directory below `path` that holds `.tf` files, sorted; `.terraform/`, hidden
/// directories and what `.gitignore` files exclude are skipped, symlinks not followed.
fn root_modules(path: &Path) -> Result<Vec<PathBuf>, Fatal> {
    let meta = std::fs::metadata(path)
        .map_err(|e| Fatal(format!("cannot read `{}`: {}", path.display(), kmsc::module::io_reason(&e))))?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut dirs = std::collections::BTreeSet::new();
    let walker = ignore::WalkBuilder::new(path)
        .hidden(true)
        .git_ignore(true)
        .git_exclude(false)
        .git_global(false)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|e| e.file_name() != ".terraform")
        .build();
    for entry in walker {
        let Ok(entry) = entry else { continue };
        let is_tf = entry.file_type().is_some_and(|t| t.is_file())
            && entry.file_name().to_str().is_some_and(|n| n.ends_with(".tf") || n.ends_with(".tf.json"));
        if is_tf && let Some(dir) = entry.path().parent() {
            dirs.insert(dir.to_path_buf());
        }
    }
    Ok(dirs.into_iter().collect())
}

fn module_prefix(p: &Path) -> String {
    let dir = if p.is_dir() { p.to_path_buf() } else { p.parent().map(Path::to_path_buf).unwrap_or_default() };
    let s = dir.to_string_lossy().trim_start_matches("./").trim_end_matches('/').to_string();
    if s.is_empty() { ".".to_string() } else { s }
}

fn print_stdout(s: &str) {
    if s.is_empty() {
        return;
    }
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
}

fn print_stderr(s: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(s.as_bytes());
}

/// The directory of each file (a directory stays itself), sorted and de-duplicated: the
/// modules that `--modules-of-files` analyses.
fn modules_of_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = paths
        .iter()
        .map(|p| match p.parent() {
            _ if p.is_dir() => p.clone(),
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        })
        .collect();
    dirs.sort();
    dirs.dedup();
    dirs
}

/// The resource type of an address such as `module.a["x"].aws_kms_key.app[0]`.
fn resource_type(address: &str) -> &str {
    let mut rest = address;
    while let Some(after) = rest.strip_prefix("module.") {
        // The module name, then an optional instance key, then `.`.
        let end = after.find(['.', '[']).unwrap_or(after.len());
        let mut tail = &after[end..];
        if tail.starts_with('[') {
            let mut in_string = false;
            let mut escaped = false;
            let mut close = tail.len();
            for (i, ch) in tail.char_indices() {
                match ch {
                    _ if escaped => escaped = false,
                    '\\' if in_string => escaped = true,
                    '"' => in_string = !in_string,
                    ']' if !in_string => {
                        close = i + 1;
                        break;
                    }
                    _ => {}
                }
            }
            tail = &tail[close..];
        }
        rest = tail.strip_prefix('.').unwrap_or(tail);
    }
    rest.split(['.', '[']).next().unwrap_or(rest)
}

/// `kmsc manpage`: one self-contained roff page, `.TH` first, with a section for each
/// subcommand (its description, synopsis and options).
fn man_page() -> std::io::Result<String> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let man = clap_mangen::Man::new(cmd.clone());
    let mut head = Vec::new();
    man.render_title(&mut head)?;
    man.render_name_section(&mut head)?;
    man.render_synopsis_section(&mut head)?;
    man.render_description_section(&mut head)?;
    man.render_options_section(&mut head)?;
    let mut body = Vec::new();
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = sub.get_bin_name().unwrap_or_else(|| sub.get_name()).to_uppercase();
        body.push(format!(".SH \"{name}\"\n"));
        let sub_man = clap_mangen::Man::new(sub.clone());
        let mut part = Vec::new();
        sub_man.render_description_section(&mut part)?;
        sub_man.render_synopsis_section(&mut part)?;
        if sub.get_arguments().any(|a| !a.is_hide_set()) {
            sub_man.render_options_section(&mut part)?;
        }
        // The subcommand's own sections become subsections of its section.
        for line in String::from_utf8_lossy(&part).lines() {
            match line.strip_prefix(".SH ") {
                Some("DESCRIPTION") => {}
                Some(title) => body.push(format!(".SS {title}\n")),
                None => body.push(format!("{line}\n")),
            }
        }
    }
    let mut tail = Vec::new();
    man.render_version_section(&mut tail)?;
    // Each rendered part starts with the same preamble (the `Aq` string for apostrophes);
    // it is written once, after `.TH`, so that the page starts with `.TH`.
    let text = format!("{}{}{}", String::from_utf8_lossy(&head), body.concat(), String::from_utf8_lossy(&tail));
    let is_preamble = |l: &str| l.starts_with(".ie \\n(.g .ds Aq") || l.starts_with(".el .ds Aq");
    let preamble: Vec<&str> = text.lines().take_while(|l| is_preamble(l)).collect();
    let mut out = String::new();
    let mut lines = text.lines().filter(|l| !is_preamble(l));
    if let Some(th) = lines.next() {
        out.push_str(th);
        out.push('\n');
    }
    for l in preamble.iter().copied().chain(lines) {
        out.push_str(l);
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emitted(sensitive: bool) -> Emitted {
        Emitted { text: "{\"Version\": \"2012-10-17\"}".to_string(), sensitive }
    }

    #[test]
    fn sensitive_policies_are_hidden_on_a_terminal_only() {
        let secret = emitted(true);
        assert_eq!(redact(&secret, true, false), None);
        assert_eq!(redact(&secret, true, true), Some(secret.text.as_str()));
        assert_eq!(redact(&secret, false, false), Some(secret.text.as_str()));
        assert_eq!(redact(&secret, false, true), Some(secret.text.as_str()));
        let plain = emitted(false);
        for (terminal, show) in [(true, false), (true, true), (false, false), (false, true)] {
            assert_eq!(redact(&plain, terminal, show), Some(plain.text.as_str()));
        }
    }

    #[test]
    fn show_sensitive_is_a_flag_of_build_only() {
        let cli = Cli::try_parse_from(["kmsc", "build", "--show-sensitive", "."]).unwrap();
        assert!(matches!(cli.command, Command::Build(ref b) if b.show_sensitive));
        let cli = Cli::try_parse_from(["kmsc", "build", "."]).unwrap();
        assert!(matches!(cli.command, Command::Build(ref b) if !b.show_sensitive));
        assert!(Cli::try_parse_from(["kmsc", "check", "--show-sensitive", "."]).is_err());
    }
}
