//! Never panics, same bytes every run: mutated versions of real inputs go through the whole
//! pipeline (parse, evaluate, lower, emit, render).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use kmsc::compile::{Options, compile_sources};
use kmsc::render::{Format, render};

/// A small deterministic generator, so failures reproduce.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const FRAGMENTS: &[&str] = &[
    "${",
    "}",
    "%{",
    "~}",
    "\"",
    "[",
    "]",
    "{",
    "(",
    ")",
    ",",
    "=",
    "\n",
    "<<EOT\n",
    "EOT\n",
    "<<-X\n",
    "var.",
    "local.",
    "data.x.y.z",
    "1e999",
    "-0",
    "1/0",
    "null",
    "true ?",
    ":",
    "[*]",
    ".*",
    "...",
    "for x in",
    "=>",
    "if",
    "\\u0000",
    "é",
    "\u{301}",
    "jsonencode(",
    "try(",
    "element([], 0)",
    "range(5)",
    "format(\"%d\", ",
    "#",
    "//",
    "/*",
    "*/",
    "\0",
];

fn corpus() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut files: Vec<PathBuf> = vec![root.join("seed/main.tf")];
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root.join("oracle/differential"))
        .unwrap()
        .map(|e| e.unwrap().path().join("main.tf"))
        .collect();
    cases.sort();
    files.extend(cases.into_iter().step_by(20));
    files.into_iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
}

fn mutate(src: &str, rng: &mut Lcg) -> String {
    let mut s: Vec<char> = src.chars().collect();
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(s.len() + 1);
        match rng.below(4) {
            0 => s.truncate(at),
            1 => {
                let end = (at + rng.below(40)).min(s.len());
                s.drain(at..end);
            }
            _ => {
                let frag = FRAGMENTS[rng.below(FRAGMENTS.len())];
                for (i, c) in frag.chars().enumerate() {
                    s.insert(at.min(s.len()) + i, c);
                }
            }
        }
    }
    s.into_iter().collect()
}

fn run(text: &str) -> String {
    let c = compile_sources(vec![(PathBuf::from("main.tf"), text.to_string())], &Options::default());
    let mut out = String::new();
    for p in &c.policies {
        out.push_str(&p.address);
        out.push_str(p.canonical.as_deref().unwrap_or("-"));
        out.push_str(p.terraform.as_deref().unwrap_or("-"));
    }
    out.push_str(&render(&c.sources, &c.diagnostics, Format::Human, false));
    out.push_str(&render(&c.sources, &c.diagnostics, Format::Json, false));
    out
}

#[test]
fn mutated_inputs_never_panic_and_are_deterministic() {
    let corpus = corpus();
    let mut rng = Lcg(0x6b6d_7363);
    let mut panics = Vec::new();
    for round in 0..20 {
        for (i, src) in corpus.iter().enumerate() {
            let text = mutate(src, &mut rng);
            let first = catch_unwind(AssertUnwindSafe(|| run(&text)));
            match first {
                Ok(a) => {
                    let b = run(&text);
                    assert_eq!(a, b, "output differs between two runs of the same input (round {round}, file {i})");
                }
                Err(_) => panics.push(text),
            }
        }
    }
    assert!(panics.is_empty(), "{} inputs panicked; first:\n{}", panics.len(), panics[0]);
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    // Brackets: the parser refuses more than 64 levels with a syntax error.
    let depth = 100_000;
    let expr = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    let text = format!("resource \"aws_kms_key\" \"k\" {{\n  policy = jsonencode({expr})\n}}\n");
    let c = compile_sources(vec![(PathBuf::from("main.tf"), text)], &Options::default());
    assert!(c.diagnostics.iter().any(|d| d.code == "KMS002" && d.message.contains("nesting")), "{:?}", c.diagnostics);
    // A chain of locals nests evaluation without nesting syntax: the evaluator's limit.
    let mut text = String::from("locals {\n  l0 = \"x\"\n");
    for i in 1..5_000 {
        text.push_str(&format!("  l{i} = [local.l{}]\n", i - 1));
    }
    text.push_str("}\nresource \"aws_kms_key\" \"k\" {\n  policy = jsonencode(local.l4999)\n}\n");
    let c = compile_sources(vec![(PathBuf::from("main.tf"), text)], &Options::default());
    assert!(c.diagnostics.iter().any(|d| d.code == "KMS009"), "{:?}", c.diagnostics);
}
