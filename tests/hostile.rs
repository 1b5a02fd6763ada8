//! Hostile inputs: each is refused with a diagnostic (or ignored) in bounded time and
//! memory, never a crash or a hang; and sensitive values never show in diagnostics.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs kmsc in `dir`; fails the test if it takes longer than `limit` or dies of a signal
/// (a stack overflow, an abort).
fn kmsc_within(dir: &Path, args: &[&str], env: &[(&str, &str)], limit: Duration) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kmsc"));
    cmd.args(args).current_dir(dir).env("NO_COLOR", "1").stdout(Stdio::piped()).stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("kmsc starts");
    // Read the pipes on threads so that a large output cannot block the child.
    let mut out_pipe = child.stdout.take().unwrap();
    let mut err_pipe = child.stderr.take().unwrap();
    let out_thread = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut out_pipe, &mut v).map(|_| v)
    });
    let err_thread = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut err_pipe, &mut v).map(|_| v)
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("kmsc {args:?} ran longer than {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let o = Output { status, stdout: out_thread.join().unwrap().unwrap(), stderr: err_thread.join().unwrap().unwrap() };
    assert!(o.status.code().is_some(), "kmsc {args:?} was killed by a signal: {:?}\n{}", o.status, text(&o.stderr));
    o
}

fn kmsc(dir: &Path, args: &[&str]) -> Output {
    kmsc_within(dir, args, &[], Duration::from_secs(20))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// One diagnostic of `check --format json`: `(code, file, line, column, message)`.
type Diag = (String, String, u64, u64, String);

fn diagnostics(o: &Output) -> Vec<Diag> {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", text(&o.stdout), text(&o.stderr)));
    v.as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn check_json(dir: &Path) -> (Output, Vec<Diag>) {
    let o = kmsc(dir, &["check", ".", "--format", "json"]);
    let d = diagnostics(&o);
    (o, d)
}

fn module(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

const DEPTH: usize = 100_000;

fn nested(open: &str, inner: &str, close: &str) -> String {
    format!("{}{inner}{}", open.repeat(DEPTH), close.repeat(DEPTH))
}

fn policy_of(expr: &str) -> String {
    format!("variable \"x\" {{}}\nresource \"aws_kms_key\" \"k\" {{\n  count = 4\n  policy = jsonencode({expr})\n}}\n")
}

#[test]
fn nesting_100000_deep_is_refused_in_every_shape() {
    // One module per shape: each file is refused on its own, with one diagnostic.
    let shapes: Vec<(&str, String)> = vec![
        ("brackets", policy_of(&nested("[", "1", "]"))),
        ("objects", policy_of(&nested("{a = ", "1", "}"))),
        ("calls", policy_of(&nested("tolist(", "[]", ")"))),
        ("parentheses", policy_of(&nested("(", "1", ")"))),
        ("templates", policy_of(&nested("\"${", "1", "}\""))),
        ("directives", policy_of(&nested("\"%{if true}", "x", "%{endif}\""))),
        ("for", policy_of(&nested("[for v in ", "[1]", " : v]"))),
        ("conditionals", policy_of(&nested("true ? ", "1", " : 2"))),
        ("unary", policy_of(&format!("{}true", "!".repeat(DEPTH)))),
        ("operators", policy_of(&format!("1{}", " + 1".repeat(DEPTH)))),
        ("blocks", format!("resource \"aws_kms_key\" \"k\" {{\n{}\n}}\n", nested("a {\n", "", "}\n"))),
    ];
    for (name, src) in &shapes {
        let dir = module(&[("main.tf", src.as_bytes())]);
        let (o, d) = check_json(dir.path());
        assert_eq!(o.status.code(), Some(1), "{name}: {}", text(&o.stderr));
        assert_eq!(d.len(), 1, "{name}: {d:?}");
        assert_eq!(d[0].0, "KMS002", "{name}: {d:?}");
        assert!(d[0].4.contains("nest") || d[0].4.contains("chained"), "{name}: {d:?}");
    }
    // Deep JSON: in `jsondecode`, a heredoc policy, `.tf.json` and `.tfvars.json` files.
    let json = nested("[", "", "]");
    type Case<'a> = (&'a str, Vec<(&'a str, String)>, &'a str);
    let cases: Vec<Case> = vec![
        ("jsondecode", vec![("main.tf", policy_of(&format!("jsondecode(\"{json}\")")))], "KMS004"),
        (
            "heredoc",
            vec![("main.tf", format!("resource \"aws_kms_key\" \"k\" {{\n  policy = <<EOT\n{json}\nEOT\n}}\n"))],
            "KMS010",
        ),
        ("tf.json", vec![("main.tf.json", format!("{{\"locals\": {{\"a\": {json}}}}}"))], "KMS002"),
        (
            "tfvars.json",
            vec![
                ("main.tf", "variable \"x\" {}\n".to_string()),
                ("terraform.tfvars.json", format!("{{\"x\": {json}}}")),
            ],
            "KMS002",
        ),
    ];
    for (name, files, code) in cases {
        let files: Vec<(&str, &[u8])> = files.iter().map(|(n, t)| (*n, t.as_bytes())).collect();
        let dir = module(&files);
        let (o, d) = check_json(dir.path());
        assert_eq!(o.status.code(), Some(1), "{name}: {}", text(&o.stderr));
        assert!(d.iter().any(|x| x.0 == code && x.4.contains("nest")), "{name}: {d:?}");
    }
    // `--set` and `--var` values (an argument is at most 128 KiB on Linux).
    let dir = module(&[("main.tf", policy_of("var.x").as_bytes())]);
    let deep = format!("{}{}", "[".repeat(60_000), "]".repeat(60_000));
    for flag in ["--set", "--var"] {
        let o = kmsc(dir.path(), &["check", ".", flag, &format!("x={deep}")]);
        assert!(matches!(o.status.code(), Some(0 | 1)), "{flag}: {}", text(&o.stderr));
    }
}

#[test]
fn a_100_mb_file_is_refused_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let mut src = String::with_capacity(100 << 20);
    src.push_str("locals {\n  a = \"");
    src.push_str(&"x".repeat(100 << 20));
    src.push_str("\"\n}\n");
    std::fs::write(dir.path().join("main.tf"), &src).unwrap();
    drop(src);
    let started = Instant::now();
    let (o, d) = check_json(dir.path());
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].0, "KMS009");
    assert!(d[0].4.contains("104857620 bytes") && d[0].4.contains("64 MiB"), "{d:?}");
    // Named on the command line, too.
    let o = kmsc(dir.path(), &["check", "main.tf"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stdout).contains("error[KMS009]"), "{}", text(&o.stdout));
}

#[cfg(target_os = "linux")]
#[test]
fn an_endless_file_is_read_only_up_to_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let o = kmsc(dir.path(), &["check", "/dev/zero"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stdout).contains("`/dev/zero` is longer than kmsc's limit of 64 MiB"), "{}", text(&o.stdout));
    // `file()` reads regular files only.
    let dir = module(&[("main.tf", b"resource \"aws_kms_key\" \"k\" {\n  policy = file(\"/dev/zero\")\n}\n")]);
    let (o, d) = check_json(dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(d.iter().any(|x| x.0 == "KMS004" && x.4.contains("not a regular file")), "{d:?}");
    // `access` and `diff` read policy files within the same limit.
    let o = kmsc(dir.path(), &["access", "/dev/zero"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("longer than kmsc's limit of 64 MiB"), "{}", text(&o.stderr));
}

#[test]
fn modules_calling_a_module_many_times_are_bounded() {
    // Each module calls the next three times: 3^17 module calls if nothing stopped it.
    let mut files = Vec::new();
    for i in 0..18 {
        let calls: String = ["a", "b", "c"]
            .iter()
            .map(|name| format!("module \"{name}\" {{\n  source = \"../m{}\"\n}}\n", i + 1))
            .collect();
        files.push((format!("m{i}/main.tf"), format!("{calls}{KEY}")));
    }
    let files: Vec<(&str, &[u8])> = files.iter().map(|(n, t)| (n.as_str(), t.as_bytes())).collect();
    let dir = module(&files);
    let o = kmsc(dir.path(), &["check", "m0", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let d = diagnostics(&o);
    assert!(d.iter().any(|x| x.0 == "KMS009" && x.4.contains("1,000 local module calls")), "{d:?}");
    assert!(d.len() <= 3, "one diagnostic per limit: {d:?}");
}

#[test]
fn sources_over_64_mib_in_total_are_refused() {
    // Two files of 33 MiB: the second would bring the module over the limit.
    let big = format!("locals {{\n  a = \"{}\"\n}}\n", "x".repeat(33 << 20));
    let dir = module(&[("a.tf", big.as_bytes()), ("b.tf", big.replace("a =", "b =").as_bytes())]);
    let (o, d) = check_json(dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].0 == "KMS009" && d[0].4.contains("`./b.tf`") && d[0].4.contains("would bring"), "{d:?}");
}

#[test]
fn invalid_utf8_nul_bytes_and_binary_files_get_one_diagnostic_each() {
    let dir = module(&[("main.tf", b"locals {\n  a = \"\xff\xfe\"\n}\n")]);
    let (o, d) = check_json(dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!((d[0].0.as_str(), d[0].2, d[0].3), ("KMS001", 2, 8), "{d:?}");
    assert!(d[0].4.contains("not valid UTF-8"), "{d:?}");

    let dir = module(&[("main.tf", b"locals {\n  a = \"x\0y\"\n}\n")]);
    let (o, d) = check_json(dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!((d[0].0.as_str(), d[0].2, d[0].3), ("KMS002", 2, 9), "{d:?}");
    assert!(d[0].4.contains("NUL byte"), "{d:?}");
    // In a tfvars file too.
    let dir = module(&[("main.tf", b"variable \"x\" {}\n"), ("terraform.tfvars", b"x = \"a\0\"\n")]);
    let (_, d) = check_json(dir.path());
    assert!(d.iter().any(|x| x.0 == "KMS002" && x.1.ends_with("terraform.tfvars") && x.4.contains("NUL")), "{d:?}");

    // An ELF header and random bytes; and a binary file that happens to be valid UTF-8.
    let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0".to_vec();
    let mut x: u32 = 12345;
    for _ in 0..20_000 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        elf.push((x >> 16) as u8);
    }
    let mut ascii = b"\0\0\0\x01\x02 resource \"\"\"{{{[[[".to_vec();
    ascii.extend(std::iter::repeat_n(b'\0', 1000));
    for (name, bytes) in [("elf", elf), ("ascii", ascii)] {
        let dir = module(&[("main.tf", &bytes)]);
        let (o, d) = check_json(dir.path());
        assert_eq!(o.status.code(), Some(1), "{name}");
        assert_eq!(d.len(), 1, "{name}: {d:?}");
        assert!(matches!(d[0].0.as_str(), "KMS001" | "KMS002"), "{name}: {d:?}");
        // The human rendering is one diagnostic too.
        let o = kmsc(dir.path(), &["check", "."]);
        assert_eq!(text(&o.stdout).matches("error[").count(), 1, "{name}: {}", text(&o.stdout));
    }
}

const KEY: &str = "resource \"aws_kms_key\" \"k\" {}\n";

#[cfg(unix)]
#[test]
fn symlink_loops_in_recursive_mode_end_without_duplicate_roots() {
    let dir = module(&[("envs/main.tf", KEY.as_bytes()), ("envs/sub/main.tf", KEY.as_bytes())]);
    let envs = dir.path().join("envs");
    std::os::unix::fs::symlink(".", envs.join("a")).unwrap();
    std::os::unix::fs::symlink("..", envs.join("sub/up")).unwrap();
    std::os::unix::fs::symlink("loop2", envs.join("loop1")).unwrap();
    std::os::unix::fs::symlink("loop1", envs.join("loop2")).unwrap();
    // The same directories named again, through the link and another spelling.
    let o = kmsc(dir.path(), &["build", "-r", "envs", "envs/a", "./envs", "envs/sub/up", "--stats"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("kmsc: 2 roots, 2 keys"), "{}", text(&o.stderr));
    let out: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let keys: Vec<&String> = out.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 2, "{keys:?}");
}

#[test]
fn unreadable_files_and_directories_named_like_files() {
    let dir = module(&[("main.tf", KEY.as_bytes()), ("x.tf/inner.tf", KEY.as_bytes())]);
    // A directory named `x.tf` is not a file of the module.
    let (o, d) = check_json(dir.path());
    assert_eq!(o.status.code(), Some(0), "{d:?}");
    assert!(d.is_empty(), "{d:?}");
    let o = kmsc(dir.path(), &["build", "-r", ".", "--stats"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o.stderr).contains("2 roots"), "{}", text(&o.stderr));
    // A directory given where a variable file belongs stops the run.
    let o = kmsc(dir.path(), &["check", ".", "--var-file", "x.tf"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(text(&o.stderr), "kmsc: error: cannot read variable file `x.tf`: is a directory\n");

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let locked = dir.path().join("locked.tf");
        std::fs::write(&locked, KEY).unwrap();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
        // Root reads it anyway: then there is nothing to assert.
        if std::fs::read(&locked).is_err() {
            let (o, d) = check_json(dir.path());
            assert_eq!(o.status.code(), Some(1));
            assert!(d.iter().any(|x| x.0 == "KMS001" && x.4.contains("permission denied")), "{d:?}");
            // Named on the command line: kmsc cannot do its job.
            let o = kmsc(dir.path(), &["check", "locked.tf"]);
            assert_eq!(o.status.code(), Some(2));
            assert!(text(&o.stderr).contains("cannot read `locked.tf`: permission denied"), "{}", text(&o.stderr));
        }
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
}

#[test]
fn a_missing_var_file_stops_the_run() {
    let dir = module(&[("main.tf", KEY.as_bytes())]);
    for cmd in ["check", "build"] {
        let o = kmsc(dir.path(), &[cmd, ".", "--var-file", "nope.tfvars"]);
        assert_eq!(o.status.code(), Some(2), "{cmd}");
        assert_eq!(
            text(&o.stderr),
            "kmsc: error: cannot read variable file `nope.tfvars`: no such file or directory\n"
        );
        assert!(o.stdout.is_empty(), "{cmd}");
    }
}

#[test]
fn text_a_template_directive_appends_counts_against_the_string_limit() {
    // Each of the million iterations appends 1,000 bytes of literal text to one string:
    // the 64 MiB string limit stops it long before the values limit would.
    let locals =
        format!("t = \"%{{for i in range(1000)}}%{{for j in range(1000)}}{}%{{endfor}}%{{endfor}}\"", "y".repeat(1000));
    let (o, d, took) = evaluate(&locals, "local.t");
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert_eq!(o.status.code(), Some(1));
    assert!(d.iter().any(|x| x.0 == "KMS009" && x.4.contains("64 MiB of strings")), "{d:?}");
}

#[test]
fn objects_with_very_many_members_are_refused_before_the_parser() {
    // hcl-edit compares each new key with every key before it: one object of 150,000
    // members (a 2 MB file) took it minutes. The file is refused at once instead.
    let n = 150_000;
    let literal: String = (0..n).rev().map(|i| format!("    k{i:06} = {i}\n")).collect();
    let (o, d, took) = evaluate(&format!("a = {{\n{literal}  }}"), "jsonencode(local.a)");
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert_eq!(o.status.code(), Some(1), "{d:?}");
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!((d[0].0.as_str(), d[0].2, d[0].3), ("KMS009", 2, 5), "{d:?}");
    assert!(d[0].4.contains("150,000 members"), "{d:?}");
    // The same object in a template read by `templatefile`.
    let dir = module(&[
        ("main.tf", b"resource \"aws_kms_key\" \"k\" {\n  policy = templatefile(\"${path.module}/p.tpl\", {})\n}\n"),
        ("p.tpl", format!("${{jsonencode({{\n{literal}}})}}").as_bytes()),
    ]);
    let started = Instant::now();
    let (o, d) = check_json(dir.path());
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    assert_eq!(o.status.code(), Some(1), "{d:?}");
    assert!(d.iter().any(|x| x.0 == "KMS009" && x.1.ends_with("p.tpl") && x.4.contains("150,000 members")), "{d:?}");
    // A block's body is a list to the parser, not an object: 150,000 locals are parsed in
    // linear time and accepted.
    let many: String = (0..n).rev().map(|i| format!("  k{i:06} = {i}\n")).collect();
    let (o, d, took) = evaluate(
        &many,
        "jsonencode({ Version = \"2012-10-17\", Statement = [{ Sid = \"n${local.k000007}\", Effect = \"Allow\", Principal = { AWS = \"arn:aws:iam::111122223333:root\" }, Action = \"kms:*\", Resource = \"*\" }] })",
    );
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert_eq!(o.status.code(), Some(0), "{d:?}");
    // And as the value of a variable from the environment (an environment string holds
    // at most 128 KiB: 8,500 members are over the allowance for that size).
    let dir = module(&[(
        "main.tf",
        b"variable \"big\" {\n  type = map(number)\n}\nresource \"aws_kms_key\" \"k\" {\n  policy = jsonencode(var.big)\n}\n",
    )]);
    let value: String = format!("{{{}}}", (0..8_500).rev().map(|i| format!("k{i:05}={i}\n")).collect::<String>());
    let o = kmsc_within(
        dir.path(),
        &["check", "--format", "json", "."],
        &[("TF_VAR_big", &value)],
        Duration::from_secs(10),
    );
    let d = diagnostics(&o);
    assert_eq!(o.status.code(), Some(1), "{d:?}");
    assert!(d.iter().any(|x| x.0 == "KMS006" && x.4.contains("8,500 members")), "{d:?}");
}

#[test]
fn big_objects_built_in_reverse_order_stay_fast() {
    // Object values are sorted vectors: keys arriving in reverse order (150,000 decoded
    // from JSON, 40,000 from a `for` expression) are sorted once, not
    // inserted one by one into the middle.
    let n = 150_000;
    let json = format!("{{{}}}", (0..n).rev().map(|i| format!("\"j{i:06}\": {i}")).collect::<Vec<_>>().join(","));
    let src = "locals {\n  j = jsondecode(file(\"${path.module}/big.json\"))\n  f = { for i in flatten([for a in range(160) : [for b in range(250) : a * 250 + b]]) : format(\"f%06d\", 40000 - i) => i }\n}\nresource \"aws_kms_key\" \"k\" {\n  policy = jsonencode({ Version = \"2012-10-17\", Statement = [{ Sid = \"n${length(local.j) + length(local.f)}\", Effect = \"Allow\", Principal = { AWS = \"arn:aws:iam::111122223333:root\" }, Action = \"kms:*\", Resource = \"*\" }] })\n}\n";
    let dir = module(&[("main.tf", src.as_bytes()), ("big.json", json.as_bytes())]);
    let started = Instant::now();
    let o = kmsc(dir.path(), &["build", "."]);
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("\"n190000\""), "{}", text(&o.stdout));
}

#[test]
fn repeated_keys_in_a_big_file_are_parsed_again_a_bounded_number_of_times() {
    // Each repeated key makes kmsc parse the file again without it (to report every
    // repeat, as Terraform does): at most 64 MiB of text in all, whatever the number.
    let pairs: String = (0..1000).map(|i| format!("    k{i} = 1\n    k{i} = 2\n")).collect();
    let padding = format!("/*{}*/\n", "x".repeat(16 << 20));
    let (o, d, took) = evaluate(&format!("{padding}  a = {{\n{pairs}  }}"), "jsonencode(local.a)");
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert_eq!(o.status.code(), Some(1), "{d:?}");
    let repeats = d.iter().filter(|x| x.0 == "KMS007").count();
    assert!((1..=4).contains(&repeats), "{repeats}: {:?}", &d[..d.len().min(5)]);
    assert!(d.iter().any(|x| x.0 == "KMS002"), "{:?}", &d[..d.len().min(5)]);
}

/// The one error of a module whose `locals` are `locals` and whose key's policy is
/// `policy`.
fn evaluate(locals: &str, policy: &str) -> (Output, Vec<Diag>, Duration) {
    let src = format!("locals {{\n{locals}\n}}\nresource \"aws_kms_key\" \"k\" {{\n  policy = {policy}\n}}\n");
    let dir = module(&[("main.tf", src.as_bytes())]);
    let started = Instant::now();
    let (o, d) = check_json(dir.path());
    (o, d, started.elapsed())
}

#[test]
fn huge_computations_are_refused_within_bounded_time() {
    let cases: &[(&str, &str, &str, &str)] = &[
        ("a = range(1e9)", "jsonencode(local.a)", "KMS004", "1024"),
        ("a = format(\"%1000000000d\", 1)", "local.a", "KMS004", "limit"),
        ("a = [for i in range(1000) : [for j in range(1000) : j]]", "jsonencode(local.a)", "KMS009", "500,0"),
        (
            "a = flatten([for i in range(1000) : [for j in range(1000) : [for k in range(1000) : k]]])",
            "jsonencode(local.a)",
            "KMS009",
            // The fixed 500,000 and one for every 4 bytes of this small module.
            "500,0",
        ),
        // Iterations count even when they produce nothing.
        (
            "a = length([for i in range(1000) : [for j in range(1000) : [for k in range(1000) : k if false]]])",
            "jsonencode(local.a)",
            "KMS009",
            "values",
        ),
        (
            "a = \"%{for i in range(1000)}%{for j in range(1000)}%{for k in range(1000)}%{endfor}%{endfor}%{endfor}\"",
            "local.a",
            "KMS009",
            "values",
        ),
        // Strings: each copy counts.
        (
            "s = join(\"\", [for i in range(1000) : \"xxxxxxxxxxxxxxxx\"])\n  t = join(\"\", [for i in range(1000) : local.s])\n  u = [for i in range(1000) : upper(local.t)]",
            "jsonencode(local.u)",
            "KMS009",
            "64 MiB of strings",
        ),
        // `can` and `try` do not hide the limit.
        (
            "a = can([for i in range(1000) : [for j in range(1000) : [for k in range(1000) : k]]])",
            "jsonencode(local.a)",
            "KMS009",
            "values",
        ),
        (
            "a = try([for i in range(1000) : [for j in range(1000) : [for k in range(1000) : k]]], 1)",
            "jsonencode(local.a)",
            "KMS009",
            "values",
        ),
        // Quadratic functions over large lists of objects.
        (
            "a = distinct(flatten([for i in range(200) : [for j in range(200) : { k = \"${i}-${j}\" }]]))",
            "jsonencode(local.a)",
            "KMS004",
            "comparisons",
        ),
    ];
    for (locals, policy, code, words) in cases {
        let (o, d, took) = evaluate(locals, policy);
        assert!(took < Duration::from_secs(10), "{locals}: {took:?}");
        assert_eq!(o.status.code(), Some(1), "{locals}");
        assert!(d.iter().any(|x| x.0 == *code && x.4.contains(words)), "{locals}: {d:?}");
        if *code == "KMS009" {
            assert_eq!(d.iter().filter(|x| x.0 == "KMS009").count(), 1, "{locals}: {d:?}");
        }
    }
    // Large sets of strings stay fast: no quadratic search.
    let (o, d, took) = evaluate(
        "a = distinct(flatten([for i in range(200) : [for j in range(200) : \"${i}-${j}\"]]))\n  b = setsubtract(local.a, [\"0-0\"])",
        "jsonencode({ Version = \"2012-10-17\", Statement = [{ Sid = \"n${length(local.b)}\", Effect = \"Allow\", Principal = { AWS = \"arn:aws:iam::111122223333:root\" }, Action = \"kms:*\", Resource = \"*\" }] })",
    );
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert_eq!(o.status.code(), Some(0), "{d:?}");
}

#[test]
fn doubling_locals_are_refused() {
    // Each local holds two copies of the previous one: 2^30 strings at the end.
    let mut locals = String::from("l0 = [\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"]\n");
    for i in 1..=30 {
        locals.push_str(&format!("  l{i} = [local.l{}, local.l{}]\n", i - 1, i - 1));
    }
    let (o, d, took) = evaluate(&locals, "jsonencode(local.l30)");
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert_eq!(o.status.code(), Some(1));
    assert!(d.iter().any(|x| x.0 == "KMS009"), "{d:?}");
}

#[test]
fn instances_and_huge_policies_are_refused() {
    let dir = module(&[("main.tf", b"resource \"aws_kms_key\" \"k\" {\n  count = 100000000\n}\n")]);
    let (o, d) = check_json(dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].0 == "KMS009" && d[0].4.contains("10,000 resource and module instances"), "{d:?}");
    // 60,000 key blocks (2.2 MB): the first 10,000 + 2.2 MB / 64 are checked, then one
    // diagnostic.
    let many: String = (0..60_000).map(|i| format!("resource \"aws_kms_key\" \"k{i}\" {{}}\n")).collect();
    let dir = module(&[("main.tf", many.as_bytes())]);
    let started = Instant::now();
    let (o, d) = check_json(dir.path());
    assert!(started.elapsed() < Duration::from_secs(15), "{:?}", started.elapsed());
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(d.iter().filter(|x| x.0 == "KMS009").count(), 1, "{:?}", &d[..d.len().min(3)]);
    // A policy far over AWS's 32 KiB is not analysed.
    let (o, d, took) = evaluate(
        "",
        "<<EOT\n{\"Version\":\"2012-10-17\",\"Statement\":[%{for i in range(100)}%{for j in range(200)}{\"Sid\":\"s${i}x${j}\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"},%{endfor}%{endfor}{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"kms:*\",\"Resource\":\"*\"}]}\nEOT",
    );
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert_eq!(o.status.code(), Some(1));
    assert!(d.iter().any(|x| x.0 == "KMS009" && x.4.contains("not analysed")), "{d:?}");
}

const SENSITIVE_MODULE: &str = r#"
variable "admin_arn" {
  type      = string
  sensitive = true
}
variable "readers" {
  type      = list(string)
  sensitive = true
}
resource "aws_kms_key" "k" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "Root", Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "kms:*", Resource = "*" },
      { Sid = "Admin", Effect = "Allow", Principal = { AWS = var.admin_arn }, Action = "kms:Describe*", Resource = "*" },
      { Sid = "Readers", Effect = "Allow", Principal = { AWS = var.readers }, Action = "kms:Decrypt", Resource = "*" },
    ]
  })
}
"#;

/// Placeholders (a finding, KMS201) inside secret role names.
const ADMIN: &str = "arn:aws:iam::<ADMIN_ACCT_X>:role/TopSecretAdmin";
const READER: &str = "arn:aws:iam::<READER_ACCOUNT>:role/HiddenReader";

fn assert_no_secret(what: &str, out: &str) {
    for secret in ["TopSecretAdmin", "HiddenReader", "ADMIN_ACCT_X", "READER_ACCOUNT"] {
        assert!(!out.contains(secret), "{what} shows `{secret}`:\n{out}");
    }
}

#[test]
fn sensitive_values_never_show_in_diagnostics() {
    let dir = module(&[("main.tf", SENSITIVE_MODULE.as_bytes())]);
    std::fs::write(dir.path().join("terraform.tfvars"), format!("admin_arn = \"{ADMIN}\"\n")).unwrap();
    let readers = format!("readers=[\"{READER}\"]");
    type Source<'a> = (&'a str, Vec<&'a str>, Vec<(&'a str, &'a str)>);
    let sources: Vec<Source> = vec![
        ("tfvars and --var", vec!["--var", readers.as_str()], vec![]),
        ("TF_VAR_", vec![], vec![("TF_VAR_readers", &readers["readers=".len()..])]),
    ];
    for (what, extra, env) in &sources {
        for format in ["human", "json", "sarif", "github"] {
            let mut args = vec!["check", ".", "--format", format];
            args.extend(extra.iter().copied());
            let o = kmsc_within(dir.path(), &args, env, Duration::from_secs(20));
            assert_eq!(o.status.code(), Some(1), "{what} {format}: {}", text(&o.stderr));
            let out = text(&o.stdout);
            assert_no_secret(&format!("{what} {format}"), &out);
            assert_no_secret(&format!("{what} {format} (stderr)"), &text(&o.stderr));
            // Both findings are still reported, where the values are given.
            let needle = match format {
                "human" => "error[KMS201]",
                "json" => "\"code\": \"KMS201\"",
                "sarif" => "\"ruleId\": \"KMS201\"",
                _ => "title=KMS201",
            };
            assert_eq!(out.matches(needle).count(), 2, "{what} {format}:\n{out}");
            if format != "github" {
                assert!(out.contains("(sensitive value)"), "{what} {format}:\n{out}");
            }
        }
        // `build` prints diagnostics on stderr: redacted; the policy on a pipe: as is.
        let mut args = vec!["build", "."];
        args.extend(extra.iter().copied());
        let o = kmsc_within(dir.path(), &args, env, Duration::from_secs(20));
        assert_no_secret(&format!("{what} build (stderr)"), &text(&o.stderr));
        assert!(text(&o.stdout).contains("TopSecretAdmin"), "{}", text(&o.stdout));
    }
    // A literal `--var` value (a string variable) is located in a file of its own, hidden.
    let o = kmsc(
        dir.path(),
        &["check", ".", "--format", "json", "--var", &format!("admin_arn={ADMIN}"), "--var", &readers],
    );
    let d = diagnostics(&o);
    assert!(d.iter().any(|x| x.1 == "<sensitive value for var.admin_arn>"), "{d:?}");
    assert_no_secret("literal --var", &text(&o.stdout));
}

#[test]
fn sensitive_function_values_stay_out_of_messages() {
    let src = r#"
resource "aws_kms_key" "k" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "Root", Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "kms:*", Resource = "*" },
      { Sid = "Admin", Effect = "Allow", Principal = { AWS = sensitive("arn:aws:iam::<ACCOUNT_ID>:role/TopSecretAdmin") }, Action = "kms:Describe*", Resource = "*" },
    ]
  })
}
"#;
    let dir = module(&[("main.tf", src.as_bytes())]);
    let o = kmsc(dir.path(), &["check", ".", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for d in v.as_array().unwrap() {
        // The snippet is the source as written, which is fine; the words are not.
        let words = format!("{} {}", d["message"], d["help"]);
        assert!(!words.contains("TopSecretAdmin"), "{words}");
    }
}

#[test]
fn long_csv_lines_are_decoded_in_linear_time() {
    // A field of 2,000,000 escaped quotes and a line of 200,000 fields: each field is
    // found by position in its line, not by copying the rest of the line.
    let quotes = format!("a,b\n\"{}\",x\n", "\"\"".repeat(2_000_000));
    let wide_header = (0..200_000).map(|i| format!("h{i}")).collect::<Vec<_>>().join(",");
    let wide = format!("{wide_header}\n{}\n", ",".repeat(199_999));
    let src = "locals {\n  q = csvdecode(file(\"${path.module}/q.csv\"))\n  w = csvdecode(file(\"${path.module}/w.csv\"))\n}\nresource \"aws_kms_key\" \"k\" {\n  policy = jsonencode({ Version = \"2012-10-17\", Statement = [{ Sid = \"n${length(local.q[0].a)}w${length(local.w[0])}\", Effect = \"Allow\", Principal = { AWS = \"arn:aws:iam::111122223333:root\" }, Action = \"kms:*\", Resource = \"*\" }] })\n}\n";
    let dir = module(&[("main.tf", src.as_bytes()), ("q.csv", quotes.as_bytes()), ("w.csv", wide.as_bytes())]);
    let started = Instant::now();
    let o = kmsc(dir.path(), &["build", "."]);
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("\"n2000000w200000\""), "{}", text(&o.stdout));
}

#[test]
fn a_long_unknown_action_in_many_statements_is_reported_quickly() {
    // Found by fuzzing: an unknown action is compared with every KMS action for a "did you
    // mean", once per statement that lists it. A 3,000-character name in 300 statements
    // took 6 s per key when every comparison filled a 3,000 × 20 table (25 s for these
    // four keys); names whose length differs by more than the typo limit are not compared.
    let action = format!("kms:Encrypt{}", "x".repeat(3_000));
    let src = format!(
        "locals {{\n  use = [\"{action}\", \"kms:Decrypt\"]\n}}\nresource \"aws_kms_key\" \"k\" {{\n  count = 4\n  policy = jsonencode({{ Version = \"2012-10-17\", Statement = concat([{{ Sid = \"Root\", Effect = \"Allow\", Principal = {{ AWS = \"arn:aws:iam::111122223333:root\" }}, Action = \"kms:*\", Resource = \"*\" }}], [for i in range(150) : {{ Sid = \"Use${{i}}\", Effect = \"Allow\", Principal = {{ AWS = \"arn:aws:iam::111122223333:role/r${{i}}\" }}, Action = local.use, Resource = \"*\" }}], [for i in range(150) : {{ Sid = \"More${{i}}\", Effect = \"Allow\", Principal = {{ AWS = \"arn:aws:iam::111122223333:role/m${{i}}\" }}, Action = local.use, Resource = \"*\" }}]) }})\n}}\n"
    );
    let dir = module(&[("main.tf", src.as_bytes())]);
    let started = Instant::now();
    let (o, diags) = check_json(dir.path());
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(diags.iter().any(|d| d.0 == "KMS301"), "{diags:?}");
}
