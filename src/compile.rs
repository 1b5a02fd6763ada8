//! The pipeline: load a module, resolve variables, evaluate each key's policy, lower it to
//! the typed AST and emit it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Severity, codes};
use crate::eval::{Evaluator, Scope};
use crate::module::{self, ExprRef, Module, Resource};
use crate::number::Number;
use crate::policy::ast::KeyPolicy;
use crate::source::{SourceMap, Span};
use crate::value::{Members, Value, ValueKind};
use crate::vars::{self, CliVar, VarInputs};

/// What the caller decides; the library reads nothing but the sources it is pointed at.
#[derive(Clone, Debug)]
pub struct Options {
    /// `TF_VAR_name` values from the environment (name without the prefix).
    pub env_vars: Vec<(String, String)>,
    /// `--var` and `--var-file` in command-line order.
    pub cli_vars: Vec<CliVar>,
    /// `--set ADDRESS=VALUE`.
    pub sets: Vec<(String, String)>,
    /// The partition used to expand bare account IDs in principals.
    pub partition: String,
    /// Severity overrides (`--deny`, `--warn`, `--allow` with codes).
    pub overrides: crate::rules::Overrides,
    /// Keep only what printing needs (canonical and Terraform strings, the first unknown
    /// reference): the evaluated value and the typed policy are dropped once the rules have
    /// run, so that memory does not grow with the size of a monorepo.
    pub lean: bool,
    /// Threads that parse the files of a module (1: parse on the compiling thread). Output
    /// is the same whatever the number.
    pub jobs: usize,
    /// Compute the canonical text of each policy (`CompiledPolicy::canonical`); `check`,
    /// which prints none, does without.
    pub canonical: bool,
    /// Indentation level of the canonical text (see `emit::canonical_at`): 0 for a document
    /// of its own, 1 for an entry of a `DocumentSet` (`kmsc build`'s output).
    pub canonical_level: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            env_vars: Vec::new(),
            cli_vars: Vec::new(),
            sets: Vec::new(),
            partition: "aws".to_string(),
            overrides: crate::rules::Overrides::default(),
            lean: false,
            jobs: 1,
            canonical: true,
            canonical_level: 0,
        }
    }
}

/// The policy of one key.
#[derive(Debug)]
pub struct CompiledPolicy {
    /// Terraform resource address (`aws_kms_key.app`).
    pub address: String,
    /// The evaluated `policy` argument.
    pub value: Value,
    /// The exact string Terraform computes for the argument, when known.
    pub terraform: Option<String>,
    /// The typed policy, when the value could be lowered.
    pub policy: Option<KeyPolicy>,
    /// Canonical JSON of `policy`.
    pub canonical: Option<String>,
    /// Where the `policy` argument is written.
    pub span: Option<Span>,
    /// The first reference unknown until apply in the value, if any.
    pub unknown: Option<String>,
    /// The value holds a sensitive value (a sensitive variable, `sensitive()`): the CLI does
    /// not print it on a terminal unless asked to.
    pub sensitive: bool,
    /// Per statement, whether it lowers with nothing dropped (computed once, on demand, by
    /// the rules that must not guess about partial statements).
    pub statement_completeness: std::sync::OnceLock<(bool, Vec<bool>)>,
    /// Some value inside is marked sensitive, at any depth (`jsonencode` arguments
    /// included): only then are its parts recorded as secrets.
    marked: bool,
}

/// Everything a compilation produced.
#[derive(Debug, Default)]
pub struct Compilation {
    pub sources: SourceMap,
    pub policies: Vec<CompiledPolicy>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }
}

/// Resource types whose `policy` argument is a KMS key policy.
pub(crate) const KEY_TYPES: &[&str] =
    &["aws_kms_key", "aws_kms_replica_key", "aws_kms_external_key", "aws_kms_replica_external_key"];

/// Stack for the compiling thread: evaluation recurses once per nesting level (bounded by
/// `eval::MAX_DEPTH`), so it gets a stack of its own, whatever thread calls the library.
const STACK_SIZE: usize = 256 * 1024 * 1024;

fn on_big_stack<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| match std::thread::Builder::new().stack_size(STACK_SIZE).spawn_scoped(s, work) {
        Ok(handle) => match handle.join() {
            Ok(v) => v,
            Err(panic) => std::panic::resume_unwind(panic),
        },
        Err(_) => panic_free_fallback(),
    })
}

/// Compiles the modules at `paths` on `jobs` threads and hands each result to `sink` on the
/// calling thread, in the order of `paths`, whatever the number of threads and however long
/// each module takes: output is the same bytes with one thread or many. At most `2 × jobs`
/// results wait to be handed over, so memory does not grow with the number of modules.
/// `sink` returns `false` to stop: modules not yet started are skipped.
///
/// Every PATH and `--var-file` is checked before anything is compiled: `Err` (a message
/// about the invocation) means `sink` was never called, so a caller printing as results
/// come prints nothing for a run that fails.
pub fn compile_each(
    paths: &[PathBuf],
    options: &Options,
    jobs: usize,
    mut sink: impl FnMut(usize, Result<Compilation, String>) -> bool,
) -> Result<(), String> {
    let inputs = paths.iter().map(|p| check_inputs(p, options)).collect::<Result<Vec<_>, _>>()?;
    use std::sync::{Condvar, Mutex};
    struct State {
        /// The next path a worker takes.
        next: usize,
        /// The next result handed to `sink`.
        delivered: usize,
        ready: BTreeMap<usize, Result<Compilation, String>>,
        stop: bool,
        /// The files of each path, taken by the worker that compiles it.
        inputs: Vec<module::ModuleFiles>,
    }
    let jobs = jobs.clamp(1, paths.len().max(1));
    let window = 2 * jobs;
    let state = Mutex::new(State { next: 0, delivered: 0, ready: BTreeMap::new(), stop: false, inputs });
    let changed = Condvar::new();
    let lock = || state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    std::thread::scope(|s| {
        for _ in 0..jobs {
            let worker = || {
                loop {
                    let (index, files) = {
                        let mut st = lock();
                        while !st.stop && st.next < paths.len() && st.next >= st.delivered + window {
                            st = changed.wait(st).unwrap_or_else(std::sync::PoisonError::into_inner);
                        }
                        if st.stop || st.next >= paths.len() {
                            return;
                        }
                        let index = st.next;
                        st.next += 1;
                        (index, std::mem::take(&mut st.inputs[index]))
                    };
                    // A bug must not leave the caller waiting for this result forever.
                    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        Ok(compile_files(&paths[index], files, options))
                    }))
                    .unwrap_or_else(|_| {
                        Err(format!("internal error while compiling `{}` (please report it)", paths[index].display()))
                    });
                    lock().ready.insert(index, result);
                    changed.notify_all();
                }
            };
            if std::thread::Builder::new().stack_size(STACK_SIZE).spawn_scoped(s, worker).is_err() {
                panic_free_fallback::<()>();
            }
        }
        let mut stopped = false;
        for index in 0..paths.len() {
            let result = {
                let mut st = lock();
                loop {
                    if let Some(r) = st.ready.remove(&index) {
                        st.delivered = index + 1;
                        break r;
                    }
                    st = changed.wait(st).unwrap_or_else(std::sync::PoisonError::into_inner);
                }
            };
            changed.notify_all();
            if !sink(index, result) {
                stopped = true;
                break;
            }
        }
        if stopped {
            lock().stop = true;
            changed.notify_all();
        }
    });
    Ok(())
}

/// Runs `work` on each of `items` on one thread per state in `states` (no more threads
/// than items), each thread taking the next item in order and working with its own state.
/// Gives the results in the order of `items`, whatever the threads' timing, and the states
/// back. An item no thread took (no thread could start) has `None`. The threads have the
/// big stacks of compilation; a panic in one is resumed here.
pub(crate) fn in_order_on_threads<T: Sync, S: Send, R: Send>(
    items: &[T],
    states: Vec<S>,
    work: impl Fn(&mut S, &T) -> R + Sync,
) -> (Vec<Option<R>>, Vec<S>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let mut results: Vec<Option<R>> = items.iter().map(|_| None).collect();
    let mut states_back = Vec::new();
    std::thread::scope(|s| {
        let mut handles = Vec::new();
        for mut state in states.into_iter().take(items.len()) {
            let (next, work) = (&next, &work);
            let job = move || {
                let mut done = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    done.push((i, work(&mut state, item)));
                }
                (done, state)
            };
            // A thread that cannot start leaves its items to the others.
            if let Ok(h) = std::thread::Builder::new().stack_size(STACK_SIZE).spawn_scoped(s, job) {
                handles.push(h);
            }
        }
        for h in handles {
            match h.join() {
                Ok((done, state)) => {
                    for (i, r) in done {
                        results[i] = Some(r);
                    }
                    states_back.push(state);
                }
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
    (results, states_back)
}

/// Thread creation failed (out of resources): nothing sensible can run.
fn panic_free_fallback<T>() -> T {
    std::process::abort()
}

/// Compiles the module at `path` (a directory or one `.tf` or `.tf.json` file).
pub fn compile_path(path: &Path, options: &Options) -> Result<Compilation, String> {
    on_big_stack(|| compile_path_here(path, options))
}

/// Checks what `compile_path` would refuse before it compiles anything: the PATH (a
/// directory that can be listed, or a file that can be opened) and the `--var-file` files.
/// `Err` is a message about the invocation.
fn check_inputs(path: &Path, options: &Options) -> Result<module::ModuleFiles, String> {
    let files = module::module_files(path)?;
    // A file named by the caller (the PATH itself, a `--var-file`) that cannot be opened is
    // an error about the invocation, not a finding; what is in it is checked as usual.
    if !path.is_dir() {
        openable(path, "")?;
    }
    check_var_files(&options.cli_vars)?;
    Ok(files)
}

/// Every `--var-file` can be opened: one that cannot is an error about the invocation.
pub fn check_var_files(vars: &[CliVar]) -> Result<(), String> {
    for var in vars {
        if let CliVar::File(p) = var {
            openable(p, "variable file ")?;
        }
    }
    Ok(())
}

fn compile_path_here(path: &Path, options: &Options) -> Result<Compilation, String> {
    Ok(compile_files(path, check_inputs(path, options)?, options))
}

/// Compiles the module at `path`, whose files `check_inputs` listed.
fn compile_files(path: &Path, files: module::ModuleFiles, options: &Options) -> Compilation {
    let mut c = Compilation::default();
    let mut ids = Vec::new();
    for tf in &files.tf {
        if let Some(file) = read_source(&mut c, tf) {
            ids.push(file);
        }
    }
    // One file named on the command line is the module, even if named like an override.
    let lone_file = !path.is_dir();
    compile_loaded(&mut c, files.dir, ids, files.auto_tfvars, Vec::new(), lone_file, options);
    c
}

/// `Ok` when `path` can be opened for reading and is not a directory.
fn openable(path: &Path, what: &str) -> Result<(), String> {
    let reason = match std::fs::File::open(path).and_then(|f| f.metadata()) {
        Ok(m) if m.is_dir() => "is a directory".to_string(),
        Ok(_) => return Ok(()),
        Err(e) => module::io_reason(&e),
    };
    Err(format!("cannot read {what}`{}`: {reason}", path.display()))
}

/// Compiles a module given as in-memory files (`(path, text)`), with no tfvars files.
pub fn compile_sources(files: Vec<(PathBuf, String)>, options: &Options) -> Compilation {
    on_big_stack(|| compile_sources_here(files, Vec::new(), options))
}

/// [`compile_sources`] with variable files given as `(path, text)` (a `terraform.tfvars`,
/// a `*.tfvars.json`, ...), applied in this order where Terraform applies the files it
/// loads automatically: after `TF_VAR_` values, before `--var-file` and `--var`. A path
/// ending in `.json` is read as JSON, any other as HCL. For tests and fuzzing; nothing is
/// read from disk.
pub fn compile_sources_with_tfvars(
    files: Vec<(PathBuf, String)>,
    tfvars: Vec<(PathBuf, String)>,
    options: &Options,
) -> Compilation {
    on_big_stack(|| compile_sources_here(files, tfvars, options))
}

fn compile_sources_here(
    files: Vec<(PathBuf, String)>,
    tfvars: Vec<(PathBuf, String)>,
    options: &Options,
) -> Compilation {
    let mut c = Compilation::default();
    let dir = files.first().and_then(|(p, _)| p.parent().map(Path::to_path_buf)).unwrap_or_else(|| PathBuf::from("."));
    let ids = files.into_iter().map(|(p, t)| c.sources.add(p, t)).collect();
    compile_loaded(&mut c, dir, ids, Vec::new(), tfvars, false, options);
    c
}

fn read_source(c: &mut Compilation, path: &Path) -> Option<crate::source::FileId> {
    module::load_source(&mut c.sources, path, "file", &mut c.diagnostics)
}

/// Maximum nesting of local modules.
const MAX_MODULE_DEPTH: usize = 16;

/// A loaded module and the local modules it calls.
struct ModuleNode {
    module: Module,
    auto_tfvars: Vec<PathBuf>,
    /// Variable files given as text (`compile_sources_with_tfvars`), root module only.
    auto_texts: Vec<(PathBuf, String)>,
    /// `(index in module.calls, the loaded child)` for every loadable call.
    children: Vec<(usize, ModuleNode)>,
}

impl ModuleNode {
    fn child_refs(&self) -> Vec<crate::eval::ChildModule<'_>> {
        self.children
            .iter()
            .map(|(i, node)| crate::eval::ChildModule {
                call: &self.module.calls[*i],
                module: &node.module,
                children: node.child_refs(),
            })
            .collect()
    }
}

fn compile_loaded(
    c: &mut Compilation,
    dir: PathBuf,
    files: Vec<crate::source::FileId>,
    auto_tfvars: Vec<PathBuf>,
    auto_texts: Vec<(PathBuf, String)>,
    lone_file: bool,
    options: &Options,
) {
    // Every evaluator of this compilation shares one budget (`eval::budget`).
    let budget = crate::eval::budget::Budget::default();
    let installed = budget.install();
    let mut stack = Vec::new();
    let mut root = load_module(c, ModuleAt::root(dir), files, auto_tfvars, lone_file, &mut stack, options.jobs);
    root.auto_texts = auto_texts;
    budget.allow_sources(module::source_bytes(&c.sources));
    compile_module(c, &root, "", None, options, &[]);
    drop(installed);
    // An exhausted budget is reported once, even where `try`, `can` or a discarded branch
    // dropped the diagnostic, and whatever suppression comments or `--allow` say.
    if let Some(e) = budget.exceeded()
        && !c.diagnostics.iter().any(crate::eval::budget::Exceeded::is_budget_diagnostic)
    {
        c.diagnostics.push(e.diagnostic());
    }
    resolve_diagnostics(&c.sources, &mut c.diagnostics);
    for p in &mut c.policies {
        p.span = p.span.map(|s| c.sources.resolve(s));
    }
    // Sensitive values never appear in a diagnostic's words (their text in tfvars files
    // and `--var` is hidden by the renderers, see `SourceMap::is_sensitive`).
    if c.sources.secrets().next().is_some() {
        for d in &mut c.diagnostics {
            // A finding about a sensitive value may quote parts of it, or text made from it.
            let about = d.span.is_some_and(|s| c.sources.is_about_secret(s))
                || d.labels.iter().any(|l| c.sources.is_sensitive(l.span));
            let redact = |t: &str| {
                let t = c.sources.redact(t);
                if about { redact_quoted(&t) } else { t }
            };
            d.message = redact(&d.message);
            d.help = d.help.as_deref().map(redact);
            for l in &mut d.labels {
                l.message = redact(&l.message);
            }
        }
    }
}

/// `text` with every backquoted part replaced by `(sensitive value)`, except references
/// and flags (`data.aws_caller_identity.current.account_id`, `--set`), which hold no value.
fn redact_quoted(text: &str) -> String {
    let keep = |q: &str| {
        ["data.", "var.", "local.", "module.", "each.", "count.", "path.", "--"].iter().any(|p| q.starts_with(p))
            && !q.contains(['"', ' ', ':', '/'])
    };
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('`') {
        let Some(len) = rest[open + 1..].find('`') else { break };
        let quoted = &rest[open + 1..open + 1 + len];
        out.push_str(&rest[..=open]);
        out.push_str(if keep(quoted) { quoted } else { crate::source::SENSITIVE });
        out.push('`');
        rest = &rest[open + len + 2..];
    }
    out.push_str(rest);
    out
}

/// Maps the spans of diagnostics from virtual files (`.tf.json` files rewritten as HCL,
/// blocks merged with their overrides) to the files the text came from.
fn resolve_diagnostics(sources: &SourceMap, diags: &mut [Diagnostic]) {
    for d in diags {
        if let Some(s) = &mut d.span {
            *s = sources.resolve(*s);
        }
        for l in &mut d.labels {
            l.span = sources.resolve(l.span);
        }
    }
}

/// The first parse of each `.tf` file (`module::first_parse`) on up to `jobs` threads, in
/// the order of `files`; `None` where it is left to the sequential loading (`.tf.json`
/// files, one thread, a single file).
fn parse_ahead(sources: &SourceMap, files: &[crate::source::FileId], jobs: usize) -> Vec<module::FirstParse> {
    let wanted = |f: &crate::source::FileId| !crate::tf_json::is_tf_json(sources.path(*f));
    let threads = jobs.min(files.iter().filter(|f| wanted(f)).count());
    if threads < 2 {
        return files.iter().map(|_| None).collect();
    }
    // Deep nesting recurses in the parser: the threads have the same big stack as
    // compilation. A file no thread parsed is parsed by the sequential loading.
    let (parsed, _) = in_order_on_threads(files, vec![(); threads], |_, f| {
        if wanted(f) { module::first_parse(&sources.get(*f).text) } else { None }
    });
    parsed.into_iter().map(Option::flatten).collect()
}

/// Loads the file a `file(path)` or `templatefile(path, ...)` call of `module` reads (or a
/// file a `fileset` call lists), once. A missing file is reported by the call when it is
/// evaluated; so is one that cannot be loaded. Only regular files are read (not
/// `/dev/zero`, a pipe).
fn preload_file(c: &mut Compilation, module: &mut Module, path: &str) {
    let key = module::file_key(path);
    if module.loaded_files.contains_key(&key) {
        return;
    }
    let full = module.resolve(path);
    let room = module::MAX_SOURCE_BYTES.saturating_sub(module::source_bytes(&c.sources));
    let read = match std::fs::metadata(&full) {
        Ok(m) if m.is_file() => module::read_text(&full, room),
        Ok(_) => Err(module::ReadError::Io(std::io::Error::other("not a regular file"))),
        Err(_) => return,
    };
    match read {
        Ok(text) => {
            let id = c.sources.add(full, text);
            module.loaded_files.insert(key, id);
        }
        Err(e) => {
            let why = match e {
                module::ReadError::Io(e) => (codes::FUNCTION, module::io_reason(&e)),
                module::ReadError::TooBig { .. } => (
                    codes::LIMIT,
                    format!("it would bring the sources read over kmsc's limit of {}", module::MAX_SOURCE_TEXT),
                ),
                module::ReadError::NotUtf8 { .. } => (codes::FUNCTION, "it is not valid UTF-8".to_string()),
            };
            module.unreadable_files.insert(key, why);
        }
    }
}

/// Where a module is: its directory, the root module's (where Terraform runs) and its
/// `path.module`.
struct ModuleAt {
    dir: PathBuf,
    root_dir: PathBuf,
    path_module: String,
}

impl ModuleAt {
    /// A root module.
    fn root(dir: PathBuf) -> ModuleAt {
        ModuleAt { root_dir: dir.clone(), dir, path_module: ".".to_string() }
    }
}

/// Parses a module's files and, recursively, the local modules it calls.
fn load_module(
    c: &mut Compilation,
    at: ModuleAt,
    files: Vec<crate::source::FileId>,
    auto_tfvars: Vec<PathBuf>,
    lone_file: bool,
    stack: &mut Vec<PathBuf>,
    jobs: usize,
) -> ModuleNode {
    let mut module = Module::default();
    (module.dir, module.root_dir, module.path_module) = (at.dir, at.root_dir, at.path_module);
    // Override files are merged after every other file, in name order.
    let mut overrides = Vec::new();
    let mut ahead = parse_ahead(&c.sources, &files, jobs).into_iter();
    for file in files {
        let first = ahead.next().flatten();
        module.files.push(file);
        let file_path = c.sources.path(file).to_path_buf();
        let parsed = if crate::tf_json::is_tf_json(&file_path) {
            crate::tf_json::parse_json_file(&mut c.sources, file, &mut c.diagnostics)
                .inspect(|(hcl, _)| module.files.push(*hcl))
        } else {
            module::parse_file_from(&mut c.sources, file, &mut c.diagnostics, first).map(|body| (file, body))
        };
        if let Some((file, body)) = parsed {
            let referenced = module::referenced_files(&c.sources.get(file).text, &body, module.path_module());
            for path in &referenced.files {
                preload_file(c, &mut module, path);
            }
            for (path, pattern) in referenced.filesets {
                let key = (module::file_key(&path), pattern);
                if module.filesets.contains_key(&key) {
                    continue;
                }
                let listed = crate::fileset::list(&module.resolve(&path), &key.1);
                // The files listed are loaded too: `file("${path.module}/${f}")` for each.
                for found in listed.iter().flatten() {
                    let dir = path.trim_end_matches('/');
                    preload_file(
                        c,
                        &mut module,
                        &if dir.is_empty() { found.clone() } else { format!("{dir}/{found}") },
                    );
                }
                module.filesets.insert(key, listed);
            }
            for (name, path) in referenced.file_facts {
                let key = (name, module::file_key(&path));
                if !module.file_facts.contains_key(&key) {
                    let shown = crate::eval::functions::clean_path(&path);
                    let fact = crate::eval::functions::file_fact(&key.0, &module.resolve(&path), &shown);
                    module.file_facts.insert(key, fact);
                }
            }
            if !lone_file && crate::overrides::is_override_file(&file_path) {
                overrides.push((file, body));
            } else {
                module::collect(&mut module, file, body, &mut c.diagnostics);
            }
        }
    }
    for (file, body) in overrides {
        crate::overrides::apply(&mut module, &mut c.sources, file, &body, &mut c.diagnostics);
    }
    if lone_file && let Some(&file) = module.files.first() {
        module.declared_beside = module::declared_beside(c.sources.path(file));
    }
    stack.push(module.canonical_dir());
    let mut children = Vec::new();
    for (i, call) in module.calls.iter().enumerate() {
        let source_span = call.attribute("source").and_then(|e| e.span()).or(call.span);
        let Some(source) = &call.source else {
            c.diagnostics.push(
                Diagnostic::error(codes::MODULE, format!("module `{}` has no literal `source`", call.name))
                    .at(source_span)
                    .help("`source` must be a literal string such as `\"./modules/kms\"`"),
            );
            continue;
        };
        if !call.is_local() {
            c.diagnostics.push(
                Diagnostic::warning(
                    codes::MODULE,
                    format!(
                        "module `{}` comes from `{source}`, which kmsc does not fetch; its keys are not checked",
                        call.name
                    ),
                )
                .at(source_span)
                .help("kmsc loads only local modules (`./...`, `../...`); check the module's own repository with kmsc"),
            );
            continue;
        }
        let child_dir = module.dir.join(source);
        let canonical = std::fs::canonicalize(&child_dir).unwrap_or_else(|_| child_dir.clone());
        if stack.contains(&canonical) {
            c.diagnostics.push(
                Diagnostic::error(
                    codes::MODULE,
                    format!("module `{}` includes itself (through `{source}`)", call.name),
                )
                .at(source_span)
                .help("modules cannot call each other in a cycle; Terraform refuses this too"),
            );
            continue;
        }
        if stack.len() > MAX_MODULE_DEPTH {
            // Once: every call at that depth, through every path, would say the same.
            let message = format!("modules nested more than {MAX_MODULE_DEPTH} levels deep");
            if !c.diagnostics.iter().any(|d| d.code == codes::LIMIT && d.message == message) {
                c.diagnostics.push(Diagnostic::error(codes::LIMIT, message).at(source_span));
            }
            continue;
        }
        match crate::eval::budget::Budget::current().spend_module_load(source_span) {
            crate::eval::budget::Spend::Ok => {}
            crate::eval::budget::Spend::Exhausted => continue,
            crate::eval::budget::Spend::Exceeded(e) => {
                c.diagnostics.push(e.diagnostic());
                continue;
            }
        }
        let listing = match module::module_files(&child_dir) {
            Ok(l) if std::fs::metadata(&child_dir).is_ok_and(|m| m.is_dir()) => l,
            _ => {
                c.diagnostics.push(
                    Diagnostic::error(
                        codes::MODULE,
                        format!("cannot load module `{}`: `{}` is not a directory", call.name, child_dir.display()),
                    )
                    .at(source_span),
                );
                continue;
            }
        };
        let mut ids = Vec::new();
        for tf in &listing.tf {
            if let Some(id) = read_source(c, tf) {
                ids.push(id);
            }
        }
        let at = ModuleAt {
            dir: listing.dir,
            root_dir: module.root_dir.clone(),
            path_module: crate::eval::functions::clean_path(&format!("{}/{source}", module.path_module())),
        };
        children.push((i, load_module(c, at, ids, Vec::new(), false, stack, jobs)));
    }
    stack.pop();
    ModuleNode { module, auto_tfvars, auto_texts: Vec::new(), children }
}

/// Compiles one module instance: `prefix` is its address (`module.kms.`, empty for the
/// root), `inputs` the values of its variables when called from another module, and
/// `outer` the `module` blocks that call it, from the root down, with their addresses
/// (`module.kms`): a suppression comment above one of them covers the module's findings.
fn compile_module(
    c: &mut Compilation,
    node: &ModuleNode,
    prefix: &str,
    inputs: Option<BTreeMap<String, Value>>,
    options: &Options,
    outer: &[(Span, String)],
) {
    let module = &node.module;
    let variables = match inputs {
        Some(v) => v,
        None => {
            let inputs = VarInputs {
                env: options.env_vars.clone(),
                auto_files: node.auto_tfvars.clone(),
                auto_texts: node.auto_texts.clone(),
                cli: options.cli_vars.clone(),
            };
            vars::resolve(&mut c.sources, module, &inputs, &mut c.diagnostics)
        }
    };
    let sets: BTreeMap<String, Value> = options.sets.iter().map(|(k, v)| (k.clone(), parse_set_value(v))).collect();
    let mut ev = Evaluator::new(&c.sources, module, variables, &sets);
    ev.children = node.child_refs();
    ev.address_prefix = prefix.to_string();
    ev.evaluate_locals_and_documents();
    let (keys, aliases, key_uses) = crate::resources::collect(&mut ev, module);
    let mut policies = Vec::new();
    // Keys whose policy comes from a separate `aws_kms_key_policy`: key resource address →
    // (policy resource address, its block).
    let mut separate: BTreeMap<String, (String, Option<Span>)> = BTreeMap::new();
    for res in module.resources.iter().filter(|r| !r.data && r.kind == "aws_kms_key_policy") {
        if let Some(key) = res.attribute("key_id").and_then(|e| module::resource_reference(e, KEY_TYPES)) {
            separate.insert(key, (res.address(), res.span));
        }
        for (address, binding) in instances(&mut ev, res) {
            if let Some(attr) = res.attribute("policy")
                && let Some(value) = eval_instance(&mut ev, &address, attr, binding)
            {
                policies.push(lower_policy(&mut ev.diags, &c.sources, address, value, attr, options));
            }
        }
    }
    let key_resources: Vec<&Resource> =
        module.resources.iter().filter(|r| !r.data && KEY_TYPES.contains(&r.kind.as_str())).collect();
    let parallel = if options.jobs > 1 && node.children.is_empty() && key_resources.len() >= PARALLEL_KEYS {
        key_policies_in_parallel(&ev, &key_resources, &separate, &sets, options)
    } else {
        None
    };
    match parallel {
        Some((diags, compiled)) => {
            ev.diags.extend(diags);
            policies.extend(compiled);
        }
        None => policies.extend(key_policies(&mut ev, &key_resources, &separate, &sets, options)),
    }
    // Child module instances and the values of their variables, evaluated here.
    let mut calls: Vec<ChildInstance> = Vec::new();
    for (i, child) in &node.children {
        let call = &module.calls[*i];
        let as_resource = Resource {
            kind: "module".to_string(),
            name: call.name.clone(),
            data: false,
            file: call.file,
            body: call.body.clone(),
            span: call.span,
        };
        for (address, binding) in instances(&mut ev, &as_resource) {
            let mut values = Vec::new();
            for (name, expr) in call.inputs() {
                let v = eval_instance(&mut ev, &format!("{prefix}{address}"), expr, binding.clone())
                    .unwrap_or_else(|| Value::unknown(format!("var.{name}"), crate::value::Type::Dynamic));
                values.push((name, v, expr.span()));
            }
            let vars = vars::resolve_inputs(&c.sources, &child.module, call, values, &mut ev.diags);
            let block = call.span.map(|span| (span, format!("{prefix}module.{}", call.name)));
            calls.push(ChildInstance {
                prefix: format!("{prefix}{address}."),
                node: child,
                vars,
                outer: outer.iter().cloned().chain(block).collect(),
            });
        }
    }
    let mut diags = std::mem::take(&mut ev.diags);
    let variables_for_secrets = std::mem::take(&mut ev.variables);
    drop(ev);
    let (mut keys, mut aliases, mut key_uses) = (keys, aliases, key_uses);
    if !prefix.is_empty() {
        for p in &mut policies {
            p.address = format!("{prefix}{}", p.address);
        }
        for k in &mut keys {
            k.address = format!("{prefix}{}", k.address);
            k.resource = format!("{prefix}{}", k.resource);
        }
        for a in &mut aliases {
            a.address = format!("{prefix}{}", a.address);
            if let Some(t) = &mut a.target {
                t.address = format!("{prefix}{}", t.address);
            }
        }
        for u in &mut key_uses {
            u.consumer = format!("{prefix}{}", u.consumer);
            u.reference.address = format!("{prefix}{}", u.reference.address);
            if let Some(v) = &mut u.via_alias {
                v.address = format!("{prefix}{}", v.address);
            }
        }
        for d in &mut diags {
            if let Some(r) = &d.resource
                && !r.starts_with(prefix)
            {
                d.resource = Some(format!("{prefix}{r}"));
            }
        }
    }
    let analysis = crate::analysis::Analysis::new(&c.sources, module, &policies, &keys, &aliases, &key_uses);
    diags.extend(crate::rules::run_on(&analysis, if node.children.is_empty() { options.jobs } else { 1 }));
    let mut targets: Vec<Span> = module.resources.iter().filter_map(|r| r.span).collect();
    let mut blocks: Vec<(Span, String)> =
        module.resources.iter().filter_map(|r| Some((r.span?, format!("{prefix}{}", r.address())))).collect();
    blocks.extend(outer.iter().cloned());
    for p in &policies {
        if let Some(policy) = &p.policy {
            targets.extend(policy.statements().iter().filter_map(|s| s.span));
        }
    }
    // Suppression and overrides apply to every finding, the compiler's included, at the
    // places of the real files (suppression comments are in them).
    diags.splice(0..0, std::mem::take(&mut c.diagnostics));
    resolve_diagnostics(&c.sources, &mut diags);
    for t in &mut targets {
        *t = c.sources.resolve(*t);
    }
    for (t, _) in &mut blocks {
        *t = c.sources.resolve(*t);
    }
    let mut diags = crate::rules::suppress::apply(diags, &c.sources, &targets, &blocks);
    label_uses_of_outside_values(&c.sources, &mut diags, &policies);
    c.diagnostics = options.overrides.apply(diags);
    // Sensitive values (of variables, from `sensitive()`) never appear in diagnostics; the
    // messages are redacted once every module is compiled (`compile_loaded`).
    for (name, v) in &variables_for_secrets {
        if module.variables.get(name).is_some_and(|d| d.sensitive) {
            record_secrets(&mut c.sources, v, true);
        }
    }
    for p in policies.iter().filter(|p| p.marked) {
        record_secrets(&mut c.sources, &p.value, false);
    }
    if options.lean {
        for p in &mut policies {
            p.value = Value::null();
            p.policy = None;
        }
    }
    c.policies.extend(policies);
    for child in calls {
        compile_module(c, child.node, &child.prefix, Some(child.vars), options, &child.outer);
    }
}

/// A module instance a module calls, ready to compile (see [`compile_module`]).
struct ChildInstance<'a> {
    prefix: String,
    node: &'a ModuleNode,
    vars: BTreeMap<String, Value>,
    outer: Vec<(Span, String)>,
}

/// Key resources a module needs before its policies are evaluated on several threads;
/// fewer take less time than starting the threads.
const PARALLEL_KEYS: usize = 64;

/// The policies of the key resources `resources` (inline, or AWS's default when no policy is
/// given anywhere), their findings pushed to `ev.diags`.
fn key_policies(
    ev: &mut Evaluator,
    resources: &[&Resource],
    separate: &BTreeMap<String, (String, Option<Span>)>,
    sets: &BTreeMap<String, Value>,
    options: &Options,
) -> Vec<CompiledPolicy> {
    let mut policies = Vec::new();
    for res in resources {
        let elsewhere = separate.get(&res.address());
        for (address, binding) in instances(ev, res) {
            match (res.attribute("policy"), elsewhere) {
                (Some(attr), _) => {
                    if let Some((other, other_span)) = elsewhere {
                        ev.diags.push(
                            Diagnostic::error(
                                codes::POLICY_TWICE,
                                format!("`{address}` has an inline `policy` and also gets one from `{other}`; the two overwrite each other on every apply"),
                            )
                            .at(attr.span())
                            .label(*other_span, "the other policy")
                            .resource(address.clone())
                            .help(format!("keep one: remove the `policy` argument or the `{other}` resource")),
                        );
                    }
                    if let Some(value) = eval_instance(ev, &address, attr, binding) {
                        policies.push(lower_policy(&mut ev.diags, ev.sources, address, value, attr, options));
                    }
                }
                (None, Some(_)) => {}
                (None, None) => {
                    let null = hcl::edit::expr::Expression::null();
                    let mut p = lower_policy(
                        &mut ev.diags,
                        ev.sources,
                        address,
                        default_key_policy(sets),
                        ExprRef { file: res.file, expr: &null },
                        options,
                    );
                    p.span = res.span;
                    policies.push(p);
                }
            }
        }
    }
    policies
}

/// [`key_policies`] on `options.jobs` threads, each with a fork of `ev`, giving the same
/// findings and policies in the same order as one thread would. The resources are cut into
/// consecutive chunks, taken in order by the threads, and the results are put back in
/// chunk order. The local values and policy documents are evaluated before
/// ([`Evaluator::evaluate_locals_and_documents`]), so the forks only read them; the results
/// are used only if that held and the budget did not run out:
///
/// - a fork that evaluated a value anew (a module output, or anything the parent had not)
///   may have reported what one thread would have reported elsewhere or not at all;
/// - the forks share the budget: had it run out, which evaluations failed would depend on
///   timing.
///
/// Otherwise the budget is set back and `None` tells the caller to evaluate on one thread;
/// `None` too if no thread could be started. Used only for a module that calls no other
/// module: nothing evaluates after this with the budget spent here.
fn key_policies_in_parallel(
    ev: &Evaluator,
    resources: &[&Resource],
    separate: &BTreeMap<String, (String, Option<Span>)>,
    sets: &BTreeMap<String, Value>,
    options: &Options,
) -> Option<(Vec<Diagnostic>, Vec<CompiledPolicy>)> {
    let threads = options.jobs.min(resources.len());
    // A few chunks per thread, so that a thread that finishes early takes more.
    let size = resources.len().div_ceil(threads * 4).max(1);
    let chunks: Vec<&[&Resource]> = resources.chunks(size).collect();
    let snapshot = ev.budget.snapshot();
    let forks = (0..threads).map(|_| ev.fork()).collect();
    let (results, forks) = in_order_on_threads(&chunks, forks, |fork, chunk| {
        let _budget = fork.budget.install();
        let compiled = key_policies(fork, chunk, separate, sets, options);
        (std::mem::take(&mut fork.diags), compiled)
    });
    let results: Option<Vec<(Vec<Diagnostic>, Vec<CompiledPolicy>)>> = results.into_iter().collect();
    let anew = forks.iter().any(|f| f.evaluated_anew);
    let (Some(results), false, false) = (results, anew, ev.budget.is_exhausted()) else {
        ev.budget.restore(snapshot);
        return None;
    };
    let mut diags = Vec::new();
    let mut policies = Vec::new();
    for (chunk_diags, compiled) in results {
        diags.extend(chunk_diags);
        policies.extend(compiled);
    }
    Some((diags, policies))
}

/// Evaluates an argument of one resource instance, with its `count`/`each` binding.
fn eval_instance(
    ev: &mut Evaluator,
    address: &str,
    attr: ExprRef<'_>,
    binding: Option<(&'static str, Value)>,
) -> Option<Value> {
    ev.resource = Some(address.to_string());
    let value = match binding {
        Some((name, v)) => {
            let scope = Scope::EMPTY;
            let inner = scope.bind(name, &v);
            ev.eval(attr.expr, attr.file, &inner)
        }
        None => ev.eval(attr.expr, attr.file, &Scope::EMPTY),
    };
    ev.resource = None;
    value.ok()
}

/// The policy AWS gives a key created without one: the account's root may do everything
/// (so IAM policies decide). The account is unknown until apply.
fn default_key_policy(sets: &BTreeMap<String, Value>) -> Value {
    use crate::value::Part;
    let account = "data.aws_caller_identity.current.account_id";
    let account_part = match sets.get(account).and_then(Value::as_str) {
        Some(id) => Part::Known(id.to_string()),
        None => Part::Unknown(account.into()),
    };
    let root = Value::partial(vec![Part::Known("arn:aws:iam::".into()), account_part, Part::Known(":root".into())]);
    let statement = Value::object(Members::from([
        ("Sid".to_string(), Value::string("Enable IAM User Permissions")),
        ("Effect".to_string(), Value::string("Allow")),
        ("Principal".to_string(), Value::object(Members::from([("AWS".to_string(), root)]))),
        ("Action".to_string(), Value::string("kms:*")),
        ("Resource".to_string(), Value::string("*")),
    ]));
    let doc = Value::object(Members::from([
        ("Version".to_string(), Value::string("2012-10-17")),
        ("Id".to_string(), Value::string("key-default-1")),
        ("Statement".to_string(), Value::tuple(vec![statement])),
    ]));
    let mut v = Value::unknown("(the default key policy)", crate::value::Type::String);
    v.encoded = Some(std::sync::Arc::new(doc));
    v
}

/// Records the texts of the sensitive parts of `v` (all of it when `sensitive`): strings,
/// and numbers as written, of three characters or more (shorter ones would blank out
/// every message, and protect nothing).
pub(crate) fn record_secrets(sources: &mut SourceMap, v: &Value, sensitive: bool) {
    if sensitive && let Some(span) = v.span {
        sources.add_secret_span(span);
    }
    record_secret_parts(sources, v, sensitive);
}

fn record_secret_parts(sources: &mut SourceMap, v: &Value, sensitive: bool) {
    let inherited = sensitive;
    // The top of a sensitive part (not a `jsonencode` result: its structure has its marks).
    if v.sensitive
        && !inherited
        && v.encoded.is_none()
        && let Some(span) = v.span
    {
        sources.add_secret_span(span);
    }
    let sensitive = sensitive || v.sensitive;
    let mut add = |t: &str| {
        if sensitive && t.trim().chars().count() >= 3 {
            sources.add_secret(t);
        }
    };
    match &v.kind {
        ValueKind::String(t) => add(t),
        ValueKind::Number(n) => add(&n.to_string()),
        ValueKind::Partial(parts) => {
            for p in parts {
                if let crate::value::Part::Known(t) = p {
                    add(t);
                }
            }
        }
        ValueKind::Tuple(items) | ValueKind::List(items) | ValueKind::Set(items) => {
            items.iter().for_each(|x| record_secret_parts(sources, x, sensitive));
        }
        ValueKind::Object(m) | ValueKind::Map(m) => {
            m.values().for_each(|x| record_secret_parts(sources, x, sensitive));
        }
        _ => {}
    }
    // The structure `jsonencode` encoded has marks of its own.
    if let Some(e) = &v.encoded {
        record_secret_parts(sources, e, inherited);
    }
}

/// A finding in a value that came from a tfvars file or `--var` gets a secondary label
/// where the module uses that value.
fn label_uses_of_outside_values(sources: &SourceMap, diags: &mut [Diagnostic], policies: &[CompiledPolicy]) {
    // Nothing to label (the common case): the values are not walked.
    if !diags.iter().any(|d| d.span.is_some()) {
        return;
    }
    let mut uses: BTreeMap<Span, Span> = BTreeMap::new();
    for p in policies {
        p.value.visit_via(&mut |s, v| {
            uses.entry(sources.resolve(s)).or_insert(sources.resolve(v));
        });
    }
    if uses.is_empty() {
        return;
    }
    for d in diags.iter_mut() {
        // The innermost outside value containing the finding.
        let via = d.span.and_then(|s| {
            uses.iter()
                .filter(|(v, _)| v.file == s.file && v.start <= s.start && s.end <= v.end)
                .min_by_key(|(v, _)| v.end - v.start)
                .map(|(_, via)| via)
        });
        if let Some(via) = via
            && !d.labels.iter().any(|l| l.span == *via)
        {
            d.labels.push(crate::diagnostic::Label { span: *via, message: "the value is used here".to_string() });
        }
    }
}

/// The instances of a resource: its address and the `count`/`each` binding of each.
pub(crate) fn instances(ev: &mut Evaluator, res: &Resource) -> Vec<(String, Option<(&'static str, Value)>)> {
    let base = res.address();
    if let Some(count) = res.attribute("count") {
        let Ok(v) = ev.eval(count.expr, count.file, &Scope::EMPTY) else { return Vec::new() };
        if v.is_unknown() {
            ev.diags.push(
                Diagnostic::error(codes::UNKNOWN, format!("`count` of `{base}` is unknown until apply"))
                    .at(count.span())
                    .help("pass the value with `--set` or `--var`"),
            );
            return Vec::new();
        }
        let n = match ev.expect_number(&v).map(|n| n.to_i64()) {
            Ok(Some(n)) if n >= 0 => n,
            Ok(_) => {
                ev.error(codes::TYPE, v.span.or(count.span()), "`count` must be a whole number, zero or more");
                return Vec::new();
            }
            Err(_) => return Vec::new(),
        };
        if !spend_instances(ev, &base, n as u64, count.span()) {
            return Vec::new();
        }
        return (0..n)
            .map(|i| {
                let obj = Value::object(Members::from([("index".to_string(), Value::number(Number::from_i64(i)))]));
                (format!("{base}[{i}]"), Some(("count", obj)))
            })
            .collect();
    }
    if let Some(fe) = res.attribute("for_each") {
        let Ok(v) = ev.eval(fe.expr, fe.file, &Scope::EMPTY) else { return Vec::new() };
        if !v.is_wholly_known() {
            ev.diags.push(
                Diagnostic::error(codes::UNKNOWN, format!("`for_each` of `{base}` is unknown until apply"))
                    .at(fe.span())
                    .help("pass the value with `--set` or `--var`"),
            );
            return Vec::new();
        }
        let pairs: Vec<(String, Value)> = match &v.kind {
            ValueKind::Map(m) | ValueKind::Object(m) => m.iter().map(|(k, x)| (k.clone(), x.clone())).collect(),
            ValueKind::Set(items) => {
                let mut out = Vec::new();
                for it in items {
                    match it.as_str() {
                        Some(s) => out.push((s.to_string(), it.clone())),
                        None => {
                            ev.error(codes::TYPE, it.span.or(fe.span()), "a `for_each` set must contain strings");
                            return Vec::new();
                        }
                    }
                }
                out
            }
            _ => {
                let msg = format!("`for_each` must be a map or a set of strings, found {}", v.ty());
                ev.error(codes::TYPE, v.span.or(fe.span()), msg);
                return Vec::new();
            }
        };
        if !spend_instances(ev, &base, pairs.len() as u64, fe.span()) {
            return Vec::new();
        }
        return pairs
            .into_iter()
            .map(|(k, x)| {
                let obj =
                    Value::object(Members::from([("key".to_string(), Value::string(&k)), ("value".to_string(), x)]));
                (format!("{base}[{}]", crate::eval::quote_hcl(&k)), Some(("each", obj)))
            })
            .collect();
    }
    if !spend_instances(ev, &base, 1, res.span) {
        return Vec::new();
    }
    vec![(base, None)]
}

/// Counts the instances of a resource or module call against the compilation's budget
/// (`eval::budget::MAX_INSTANCES`); `false` when they are refused.
fn spend_instances(ev: &mut Evaluator, base: &str, n: u64, span: Option<Span>) -> bool {
    let spend = ev.budget.spend_instances(&format!("{}{base}", ev.address_prefix), n, span);
    ev.settle(spend).is_ok()
}

fn lower_policy(
    diags: &mut Vec<Diagnostic>,
    sources: &SourceMap,
    address: String,
    value: Value,
    attr: ExprRef<'_>,
    options: &Options,
) -> CompiledPolicy {
    let span = attr.span();
    let terraform = value.as_str().map(str::to_string);
    let mut out = CompiledPolicy {
        address: address.clone(),
        value: Value::null(),
        terraform,
        policy: None,
        canonical: None,
        span,
        unknown: value.first_unknown(),
        sensitive: false,
        marked: false,
        statement_completeness: std::sync::OnceLock::new(),
    };
    // One walk for both: a policy is sensitive if its value or the structure `jsonencode`
    // encoded holds a sensitive value; `marked` if any mark is anywhere inside.
    let (here, encoded, marked) = value.sensitivity();
    out.sensitive = here || encoded;
    out.marked = marked;
    if let Some(what) = policy_too_big(&value) {
        diags.push(
            Diagnostic::error(codes::LIMIT, format!("the policy of `{address}` {what}; it is not analysed"))
                .at(value.span.or(span))
                .resource(address.clone())
                .help(
                    "a key policy may be 32 KiB at most; kmsc analyses policies of up to 1 MiB and 10,000 statements",
                ),
        );
        out.value = value;
        return out;
    }
    // The JSON text decoded, when the policy is a string; otherwise the value is lowered
    // where it is.
    let decoded: Option<Value>;
    let structured: Option<&Value> = if let Some(enc) = &value.encoded {
        Some(enc)
    } else if let Some(text) = value.as_str() {
        let base = value.span.or(span);
        let map = crate::align::span_map(text, base, sources);
        match crate::json::decode_spanned(text, &map) {
            Ok(v) => {
                decoded = Some(v);
                decoded.as_ref()
            }
            Err(e) => {
                diags.push(
                    Diagnostic::error(codes::POLICY_SHAPE, format!("the policy is not valid JSON: {}", e.message))
                        .at(map(e.offset, e.offset + 1).or(base))
                        .resource(address.clone()),
                );
                None
            }
        }
    } else if value.is_unknown() {
        diags.push(
            Diagnostic::error(
                codes::UNKNOWN,
                format!(
                    "the policy of `{address}` is unknown until apply (`{}`)",
                    value.first_unknown().unwrap_or_default()
                ),
            )
            .at(span)
            .resource(address.clone())
            .help("fix the unknown value with `--set ADDRESS=VALUE`"),
        );
        None
    } else if value.is_null() {
        None
    } else if value.as_map().is_some() || value.as_seq().is_some() {
        diags.push(
            Diagnostic::error(codes::TYPE, format!("the `policy` argument must be a string, found {}", value.ty()))
                .at(value.span.or(span))
                .resource(address.clone())
                .help("wrap the policy object in `jsonencode(...)`"),
        );
        Some(&value)
    } else {
        // A number or bool: Terraform converts it to a string, which is not a policy.
        out.terraform = match &value.kind {
            ValueKind::Number(n) => Some(n.to_string()),
            ValueKind::Bool(b) => Some(b.to_string()),
            _ => None,
        };
        Some(&value)
    };
    if let Some(v) = structured {
        let (policy, mut lower_diags) = crate::policy::lower::lower(v, &address);
        diags.append(&mut lower_diags);
        if let Some(p) = policy {
            if options.canonical {
                out.canonical =
                    Some(crate::emit::canonical::canonical_at(&p, &options.partition, options.canonical_level));
            }
            out.policy = Some(p);
        }
    }
    out.value = value;
    out
}

/// Largest policy text kmsc lowers and checks (AWS accepts 32 KiB).
const MAX_POLICY_BYTES: usize = 1 << 20;
/// Most statements of a policy kmsc lowers and checks.
const MAX_POLICY_STATEMENTS: usize = 10_000;

/// Why a policy is too big to analyse in bounded time, if it is.
fn policy_too_big(value: &Value) -> Option<String> {
    let bytes = match &value.kind {
        ValueKind::String(s) => s.len(),
        ValueKind::Partial(parts) => parts
            .iter()
            .map(|p| match p {
                crate::value::Part::Known(s) | crate::value::Part::Unknown(s) => s.len(),
            })
            .sum(),
        _ => 0,
    };
    if bytes > MAX_POLICY_BYTES {
        return Some(format!("is {bytes} bytes long, over kmsc's limit of 1 MiB"));
    }
    let statements = value.encoded.as_ref().and_then(|e| e.as_map()?.get("Statement")?.as_seq().map(<[Value]>::len));
    match statements {
        Some(n) if n > MAX_POLICY_STATEMENTS => {
            Some(format!("has {n} statements, over kmsc's limit of {MAX_POLICY_STATEMENTS}"))
        }
        _ => None,
    }
}

/// A `--set` value: HCL-like lists and objects when it starts with `[` or `{`, otherwise
/// the literal string (so that an account ID keeps its leading zeros).
pub fn parse_set_value(text: &str) -> Value {
    let t = text.trim_start();
    if (t.starts_with('[') || t.starts_with('{'))
        && let Ok(v) = crate::json::decode(text)
    {
        return v;
    }
    Value::string(text)
}
