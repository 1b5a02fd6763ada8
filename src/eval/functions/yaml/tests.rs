//! Each expectation comes from go-cty-yaml v1.1.0 (the version Terraform v1.11 uses): its
//! tests (`decode_test.go`, `encode_test.go`, `cty_funcs_test.go`), its source where no
//! test covers a rule (`resolve.go`, `decode.go`, `implied_type.go`, `error.go`,
//! `emitterc.go`, named in the comments), or Terraform's documentation.

use super::super::test_util::*;
use super::super::{FnError, call};
use crate::value::Value;

fn dec(src: &str) -> String {
    j("yamldecode", vec![s(src)])
}

fn dec_err(src: &str) -> String {
    fail("yamldecode", vec![s(src)])
}

fn enc(v: Value) -> String {
    ok("yamlencode", vec![v]).as_str().unwrap().to_string()
}

/// Terraform's documentation of `yamlencode`, its three examples verbatim.
#[test]
fn yamlencode_documented_examples() {
    assert_eq!(enc(obj(&[("a", s("b")), ("c", s("d"))])), "\"a\": \"b\"\n\"c\": \"d\"\n");
    assert_eq!(
        enc(obj(&[("foo", tup(vec![n(1), n(2), n(3)])), ("bar", s("baz"))])),
        "\"bar\": \"baz\"\n\"foo\":\n- 1\n- 2\n- 3\n"
    );
    assert_eq!(
        enc(obj(&[("foo", tup(vec![n(1), obj(&[("a", s("b")), ("c", s("d"))]), n(3)])), ("bar", s("baz"))])),
        "\"bar\": \"baz\"\n\"foo\":\n- 1\n- \"a\": \"b\"\n  \"c\": \"d\"\n- 3\n"
    );
}

/// Terraform's documentation of `yamldecode` gives no example calls, but a table of the
/// YAML types and the Terraform types they become; one line per row.
#[test]
fn yamldecode_documented_type_table() {
    assert_eq!(dec("!!str 12"), r#""12""#);
    assert_eq!(dec("!!float 1.5"), "1.5");
    assert_eq!(dec("!!int 12"), "12");
    assert_eq!(dec("!!bool true"), "true");
    assert_eq!(dec("!!map {a: 1}"), r#"{"a":1}"#);
    assert_eq!(dec("!!seq [a, 1]"), r#"["a",1]"#);
    assert_eq!(dec("!!null ~"), "null");
    assert_eq!(dec("!!null ''"), r#""""#); // a quoted scalar is a string whatever its tag
    assert_eq!(dec("!!timestamp 2006-1-2"), r#""2006-01-02T00:00:00Z""#);
    assert_eq!(dec("!!binary aGVsbG8="), r#""aGVsbG8=""#);
    // "cyclic data structures ... are not [supported]": an error.
    assert!(dec_err("a: &x [*x]").contains("cannot refer to anchor \"x\" from inside its own definition"));
}

/// go-cty-yaml's `decode_test.go` and `cty_funcs_test.go` (merges of a single mapping
/// only: sequences of mappings came with v1.2.0).
#[test]
fn cty_yaml_decode_tests() {
    assert_eq!(dec(r#""hello""#), r#""hello""#);
    assert_eq!(dec("'hello'"), r#""hello""#);
    assert_eq!(dec("|\n  hello\n  world"), r#""hello\nworld\n""#);
    assert_eq!(dec(">\n  hello\n  world"), r#""hello world\n""#);
    assert_eq!(dec("hello"), r#""hello""#);
    assert_eq!(dec("!!str true"), r#""true""#);
    assert_eq!(dec("!<tag:yaml.org,2002:str> true"), r#""true""#);
    assert_eq!(dec("true"), "true");
    assert_eq!(dec("yes"), "true");
    assert_eq!(dec("false"), "false");
    assert_eq!(dec("!<tag:yaml.org,2002:bool> true"), "true");
    assert_eq!(dec_err("!!bool bananas"), r#"cannot parse "bananas" as tag:yaml.org,2002:bool"#);
    assert_eq!(dec(".5"), "0.5");
    assert_eq!(dec("1.5"), "1.5");
    assert_eq!(dec("12"), "12");
    assert_eq!(dec("-12"), "-12");
    assert_eq!(dec("!!int 1"), "1");
    assert_eq!(dec_err(".NaN"), "floating point NaN is not supported");
    assert_eq!(dec("2006-1-2"), r#""2006-01-02T00:00:00Z""#);
    assert_eq!(dec("!!binary 'aGVsbG8='"), r#""aGVsbG8=""#);
    assert_eq!(
        dec_err("!!binary '>>>>>>>>>'"),
        r#"cannot parse ">>>>>>>>>" as tag:yaml.org,2002:binary: not valid base64"#
    );
    assert_eq!(dec("null"), "null");
    assert_eq!(dec_err("!!nope foo"), r#"unsupported tag "tag:yaml.org,2002:nope""#);
    assert_eq!(dec("{}"), "{}");
    assert_eq!(dec("{a: 1, b: true}"), r#"{"a":1,"b":true}"#);
    assert_eq!(dec("\na: 1\nb:\n  - foo\n  - bar\n  - baz\n"), r#"{"a":1,"b":["foo","bar","baz"]}"#);
    assert_eq!(dec("[]"), "[]");
    assert_eq!(dec("\n- a\n- b\n- true\n"), r#"["a","b",true]"#);
    assert_eq!(dec("\nfoo: &bar\n  - x\nbar: *bar\n"), r#"{"bar":["x"],"foo":["x"]}"#);
    assert_eq!(
        dec_err("\nfoo: &bar\n  - x\n  - *bar\n"),
        r#"on line 3, column 5: cannot refer to anchor "bar" from inside its own definition"#
    );
    // cty_funcs_test.go
    assert_eq!(dec("---"), "null");
    assert_eq!(dec("~"), "null");
    assert_eq!(dec("\na: aa\n<<:\n  b: bb\n  c: cc\nd: dd\n"), r#"{"a":"aa","b":"bb","c":"cc","d":"dd"}"#);
    assert_eq!(dec("\na: aa\n<<:\n  a: aaa\n<<:\n  b: bbb\nb: bb\n"), r#"{"a":"aaa","b":"bb"}"#);
    assert_eq!(
        dec("\na: &foo\n  beep: boop\nb:\n  <<: *foo\n  bleep: bloop\n"),
        r#"{"a":{"beep":"boop"},"b":{"beep":"boop","bleep":"bloop"}}"#
    );
}

/// `resolve.go`'s rules for plain scalars, by first character and spelling.
#[test]
fn plain_scalars_resolve_as_cty_yaml_resolves_them() {
    for t in ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"] {
        assert_eq!(dec(t), "true", "{t}");
    }
    for f in ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"] {
        assert_eq!(dec(f), "false", "{f}");
    }
    for z in ["", "~", "null", "Null", "NULL", "# only a comment\n", "a:"] {
        assert!(dec(z) == "null" || dec(z) == r#"{"a":null}"#, "{z}");
    }
    // Other spellings are strings.
    assert_eq!(dec("tRUE"), r#""tRUE""#);
    assert_eq!(dec("nULL"), r#""nULL""#);
    // YAML 1.2 integers (v1.1.0 "exactly follows the YAML specification"): decimal with a
    // sign, 0o octal and 0x hexadecimal without one; `_` and signed bases are strings
    // (Terraform issue 36390: `10_000_000` is a string since v1.10).
    assert_eq!(dec("+12"), "12");
    assert_eq!(dec("0600"), "600"); // decimal, not octal (Terraform issue 29012)
    assert_eq!(dec("0o17"), "15");
    assert_eq!(dec("0x1F"), "31");
    assert_eq!(dec("0xffffffffffffffff"), "18446744073709551615"); // ParseUint
    assert_eq!(dec_err("0x1ffffffffffffffff"), r#"cannot parse "0x1ffffffffffffffff" as tag:yaml.org,2002:int"#);
    assert_eq!(dec("-0x1F"), r#""-0x1F""#);
    assert_eq!(dec("10_000_000"), r#""10_000_000""#);
    assert_eq!(dec("0b101"), r#""0b101""#); // not YAML 1.2 (Terraform issue 23770)
    assert_eq!(dec("0ba"), r#""0ba""#);
    assert_eq!(dec("+"), r#""+""#);
    // Floats, kept exact (cty parses numbers at 512 bits).
    assert_eq!(dec("1."), "1");
    assert_eq!(dec("-.5e1"), "-5");
    assert_eq!(dec("1e3"), "1000");
    assert_eq!(dec("123456789012345678901234567890.5"), "123456789012345678901234567890.5");
    assert_eq!(dec("1.2.3"), r#""1.2.3""#);
    assert_eq!(dec("1e"), r#""1e""#);
    assert_eq!(dec("."), r#"".""#);
    // Infinities are cty numbers that kmsc cannot hold; NaN is cty-yaml's own error.
    assert_eq!(dec_err("+.inf"), r#""+.inf" is positive infinity, which kmsc cannot represent"#);
    assert_eq!(
        dec_err("x:\n  y: -.Inf"),
        r#"on line 1, column 6: "-.Inf" is negative infinity, which kmsc cannot represent"#
    );
    assert_eq!(dec_err(".nan"), "floating point NaN is not supported");
    assert_eq!(dec("nan"), r#""nan""#);
    // Timestamps (`parseTimestamp`): four-digit year, one- or two-digit fields, RFC 3339
    // out, the offset kept, `Z` for zero, the fraction dropped.
    assert_eq!(dec("2001-12-14t21:59:43.10-05:00"), r#""2001-12-14T21:59:43-05:00""#);
    assert_eq!(dec("2001-12-14T21:59:43+00:00"), r#""2001-12-14T21:59:43Z""#);
    assert_eq!(dec("2001-12-14 21:59:43.10"), r#""2001-12-14T21:59:43Z""#);
    assert_eq!(dec("2001-12-14 21:59:43.10 -5"), r#""2001-12-14 21:59:43.10 -5""#); // time.Parse cannot
    assert_eq!(dec("2024-02-30"), r#""2024-02-30""#);
    assert_eq!(dec("2024-02-29"), r#""2024-02-29T00:00:00Z""#);
    assert_eq!(dec("20240-01-01"), r#""20240-01-01""#);
    // The merge key is a plain string anywhere but as a key.
    assert_eq!(dec("a: <<"), r#"{"a":"\u003c\u003c"}"#);
}

/// Quoted scalars are strings whatever they look like; block scalars resolve like plain
/// ones and are converted to strings (`implied_type.go` gives them the type string).
#[test]
fn quoted_and_block_scalars() {
    for q in [r#""true""#, "'12'", r#""~""#, "''", r#""2006-1-2""#, r#"".nan""#] {
        assert!(dec(q).starts_with('"'), "{q}");
    }
    assert_eq!(dec("|-\n  true"), r#""true""#);
    assert_eq!(dec("|-\n  1.50"), r#""1.5""#);
    assert_eq!(dec(">-\n  ~"), "null");
    assert_eq!(dec("|-\n  2001-01-01"), r#""2001-01-01T00:00:00Z""#);
    // libyaml places a block scalar at its indicator: no position on the first line.
    assert_eq!(dec_err("|-\n  .nan"), "floating point NaN is not supported");
    assert_eq!(dec_err("x:\n  y: |-\n    .nan"), "on line 1, column 6: floating point NaN is not supported");
}

/// Explicit tags (`resolve.go`): the core ones, with cty-yaml's quirks.
#[test]
fn tags() {
    assert_eq!(dec("!!int 0b101"), "5"); // strconv.ParseInt base 0
    assert_eq!(dec("!!int 1_000"), "1000"); // `_` removed before parsing
    assert_eq!(dec("!!int 1.5"), "1.5"); // ints are not checked to be whole
    assert_eq!(dec("!!int -0x10"), "-16");
    assert_eq!(dec_err("!!int x"), r#"cannot parse "x" as tag:yaml.org,2002:int"#);
    assert_eq!(dec_err("!!float .nan"), r#"cannot parse ".nan" as tag:yaml.org,2002:float"#);
    assert_eq!(dec(r#"!!int "12""#), r#""12""#); // quoted wins over the tag
    assert_eq!(dec("!!int true"), "true"); // the spelling table wins too
    assert_eq!(dec("!!bool 1"), "1"); // a YAML integer is retagged as one
    assert_eq!(dec("!!null foo"), "null");
    assert_eq!(dec("!!str"), r#""""#);
    assert_eq!(dec_err("!!timestamp 2006-13-01"), r#"cannot parse "2006-13-01" as tag:yaml.org,2002:timestamp"#);
    assert_eq!(dec("!!binary |\n  aGVs\n  bG8=\n"), r#""aGVs\nbG8=\n""#); // Go's decoder skips line breaks
    assert_eq!(dec_err("!foo x"), r#"unsupported tag "!foo""#);
    assert_eq!(dec_err("! x"), r#"unsupported tag "!""#);
    assert_eq!(dec_err("x:\n  !!map [a]"), "on line 1, column 3: can't interpret sequence as tag:yaml.org,2002:map");
    assert_eq!(dec_err("!!seq {a: 1}"), "can't interpret mapping as tag:yaml.org,2002:seq");
}

/// Mappings (`decode.go`): keys converted to strings, the last duplicate wins, merges.
#[test]
fn mappings() {
    assert_eq!(dec("a: 1\na: 2"), r#"{"a":2}"#);
    assert_eq!(
        dec("1: x\ntrue: v\n1.50: z\n2001-1-1: d"),
        r#"{"1":"x","1.5":"z","2001-01-01T00:00:00Z":"d","true":"v"}"#
    );
    assert_eq!(dec(".inf: x"), r#"{"+Inf":"x"}"#);
    assert_eq!(dec("'~': x"), r#"{"~":"x"}"#);
    assert_eq!(dec_err("~: x"), "mapping key cannot be null");
    assert_eq!(dec_err("x:\n  null: y"), "on line 1, column 3: mapping key cannot be null");
    assert_eq!(dec_err("? [a]\n: b"), "only strings are allowed as mapping keys");
    assert_eq!(dec_err("x:\n  ? {a: 1}\n  : b"), "on line 1, column 5: only strings are allowed as mapping keys");
    assert_eq!(dec_err("a: &k x\n*k : y"), "on line 1, column 1: only strings are allowed as mapping keys");
    // Errors resolving a key carry no position.
    assert_eq!(dec_err("x:\n  !!int q: 1"), r#"cannot parse "q" as tag:yaml.org,2002:int"#);
    // Merges: the value must be a mapping (implied_type.go), later keys win either way;
    // a quoted `<<` merges too (it is resolved before its style is looked at).
    assert_eq!(dec("b: 1\n<<: {b: 2, c: 3}"), r#"{"b":2,"c":3}"#);
    assert_eq!(dec("'<<': {x: 1}"), r#"{"x":1}"#);
    assert_eq!(dec("!!str <<: {x: 1}"), r#"{"\u003c\u003c":{"x":1}}"#);
    assert_eq!(dec_err("\na: aa\n<<:\n  - b: bb\n"), "on line 2, column 1: cannot merge tuple into mapping");
    assert_eq!(dec_err("x:\n  <<: 3"), "on line 1, column 3: cannot merge number into mapping");
    assert_eq!(dec_err("<<: ~"), "cannot merge dynamic into mapping");
}

/// Anchors and aliases (`decode.go`'s `valueAnalysis`).
#[test]
fn anchors_and_aliases() {
    assert_eq!(dec("a: &x 1\nb: *x\nc: &x 2\nd: *x"), r#"{"a":1,"b":1,"c":2,"d":2}"#);
    assert_eq!(dec("- &s [1, &t {a: b}]\n- *s\n- *t"), r#"[[1,{"a":"b"}],[1,{"a":"b"}],{"a":"b"}]"#);
    assert_eq!(dec_err("*x"), r#"reference to undefined anchor "x""#);
    assert_eq!(dec_err("\n- *nope"), r#"on line 1, column 3: reference to undefined anchor "nope""#);
    assert_eq!(
        dec_err("x:\n  y: &a [*a]"),
        r#"on line 1, column 10: cannot refer to anchor "a" from inside its own definition"#
    );
    assert_eq!(dec_err("&m {a: *m}"), r#"cannot refer to anchor "m" from inside its own definition"#);
}

/// One document (`decode.go`'s `unmarshal`), and syntax errors placed as cty-yaml places
/// libyaml's (`error.go`: scanner errors at the next line and column 1, parser errors at
/// the 0-based line and 1-based column, nothing on the first line).
#[test]
fn documents_and_syntax_errors() {
    assert_eq!(dec("--- a\n..."), r#""a""#);
    assert_eq!(dec_err("a: 1\n---\nb: 2"), "on line 1, column 1: unexpected extra content after value");
    assert_eq!(dec_err("a\n...\nb"), "on line 2, column 1: did not find expected <document start>");
    assert_eq!(dec_err("a: b: c"), "mapping values are not allowed in this context");
    assert_eq!(dec_err("\na:\n  b: c\n d: e"), "on line 3, column 2: did not find expected key");
    assert_eq!(dec_err("[a, b"), "on line 1, column 1: did not find expected ',' or ']'");
    assert_eq!(dec_err("\n\nfoo: [1, 2\n"), "on line 3, column 1: did not find expected ',' or ']'");
    assert_eq!(dec_err("\n\"abc"), "on line 2, column 1: found unexpected end of stream");
    assert_eq!(dec_err("x:\n  y: \"abc"), "on line 2, column 1: found unexpected end of stream");
    assert_eq!(dec_err("- a\nb: c"), "on line 1, column 1: did not find expected '-' indicator");
    assert_eq!(dec_err("x:\n  - a\n  b"), "on line 4, column 1: could not find expected ':'");
    assert_eq!(dec_err("x: \"\\q\""), "found unknown escape character");
    assert_eq!(dec_err("x:\n  y: \"\\q\""), "on line 2, column 1: found unknown escape character");
    assert_eq!(dec_err("x:\n  y: `z"), "on line 2, column 1: found character that cannot start any token");
    assert_eq!(dec_err("x:\n\t- y"), "on line 2, column 1: found character that cannot start any token");
    let (_, arg) = fail_at("yamldecode", vec![s("a: b: c")]);
    assert_eq!(arg, Some(0));
}

/// The limits: nesting, and aliases expanded past a million values or 16 MiB of strings.
#[test]
fn hostile_documents_are_refused_quickly() {
    let started = std::time::Instant::now();
    // 100,000 nested flow sequences and mappings: refused at the depth limit, and
    // saphyr-parser, which keeps its states on the heap, does not overflow the stack.
    let msg = dec_err(&"[".repeat(100_000));
    assert_eq!(msg, "flow sequences and mappings nested more than 255 levels deep, over kmsc's limit");
    assert!(dec_err(&"{a: ".repeat(100_000)).contains("levels deep"));
    assert!(dec_err(&"- ".repeat(100_000)).contains("levels deep"));
    let mut deep = String::new();
    for i in 0..1000 {
        deep.push_str(&" ".repeat(i));
        deep.push_str("a:\n");
    }
    assert!(dec_err(&deep).contains("levels deep"));
    // 255 flow levels and 400 block levels are fine.
    assert_eq!(dec(&format!("{}{}", "[".repeat(255), "]".repeat(255))).len(), 510);
    let mut ok_deep = String::new();
    for i in 0..400 {
        ok_deep.push_str(&" ".repeat(i));
        ok_deep.push_str("a:\n");
    }
    assert!(dec(&ok_deep).starts_with("{\"a\":{"));
    // A billion laughs: ten levels of ten aliases each.
    let mut lol = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let p = i - 1;
        lol.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
    }
    let msg = dec_err(&lol);
    assert!(msg.contains("more than 1000000 values once its aliases are expanded"), "{msg}");
    // Few values, long strings.
    let big = format!("s: &s '{}'\nt: [*s, *s, *s, *s, *s]\n", "x".repeat(4 << 20));
    assert!(dec_err(&big).contains("bytes of strings"));
    // Many collections in a text of non-ASCII characters, each given its place: the
    // character count goes on from one event to the next, never again from the start.
    let many = "- {clé: [é, é]}\n".repeat(100_000);
    let map = |a: usize, b: usize| Some(crate::source::Span::new(crate::source::FileId(0), a, b));
    let v = super::yamldecode_spanned(&many, &map).unwrap();
    assert_eq!(v.as_seq().map(|s| s.len()), Some(100_000));
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
}

/// `encode.go` with go-yaml's emitter (`emitterc.go`); `encode_test.go`'s cases first.
#[test]
fn yamlencode_as_go_yaml_emits() {
    assert_eq!(enc(b(true)), "true\n...\n");
    assert_eq!(enc(s("")), "\"\"\n");
    assert_eq!(enc(s("hello")), "\"hello\"\n");
    assert_eq!(enc(s("hello\nworld")), "|-\n  hello\n  world\n");
    assert_eq!(enc(n(0)), "0\n...\n");
    assert_eq!(enc(obj(&[])), "{}\n");
    assert_eq!(enc(obj(&[("a", s("b"))])), "\"a\": \"b\"\n");
    assert_eq!(enc(map(&[("a", s("b"))])), "\"a\": \"b\"\n");
    assert_eq!(enc(tup(vec![])), "[]\n");
    assert_eq!(enc(tup(vec![s("b")])), "- \"b\"\n");
    assert_eq!(enc(Value::list(vec![s("b")])), "- \"b\"\n");
    assert_eq!(enc(Value::set(vec![s("b")])), "- \"b\"\n");
    assert_eq!(enc(null()), "null\n...\n");
    // cty_funcs_test.go
    assert_eq!(enc(s("true")), "\"true\"\n");
    // Numbers as Terraform prints them.
    assert_eq!(enc(num("-1.50")), "-1.5\n...\n");
    assert_eq!(enc(num("1e30")), "1000000000000000000000000000000\n...\n");
    // Nesting: sequences in mappings are not indented, in sequences they are.
    assert_eq!(
        enc(tup(vec![tup(vec![n(1), n(2)]), obj(&[("a", tup(vec![])), ("b", obj(&[("c", null())]))])])),
        "- - 1\n  - 2\n- \"a\": []\n  \"b\":\n    \"c\": null\n"
    );
    // Literal block scalars: chomping and indentation indicators (the `...` that
    // `|+` would call for is reset by writing the indicator, in go-yaml).
    assert_eq!(enc(s("a\n")), "|\n  a\n");
    assert_eq!(enc(s("a\n\n")), "|+\n  a\n\n");
    assert_eq!(enc(s("\na")), "|2-\n\n  a\n");
    assert_eq!(enc(s(" a\nb")), "|2-\n   a\n  b\n");
    assert_eq!(enc(obj(&[("k", s("x\ny"))])), "\"k\": |-\n  x\n  y\n");
    // No block scalar with a space before a break, a trailing space or a special character.
    assert_eq!(enc(s("a \nb")), "\"a \\nb\"\n");
    assert_eq!(enc(s("a\nb ")), "\"a\\nb \"\n");
    assert_eq!(enc(s("a\nb\tc")), "\"a\\nb\\tc\"\n");
    // Escapes: controls, C1, line and paragraph separators, BOM, and (go-yaml's
    // `is_printable`) every character outside the Basic Multilingual Plane.
    assert_eq!(
        enc(s("\u{0}\u{7}\u{1b}\u{1}\"\\é\u{85}\u{2028}\u{2029}\u{feff}\u{fffe}😀")),
        "\"\\0\\a\\e\\x01\\\"\\\\é\\N\\L\\P\\uFEFF\\uFFFE\\U0001F600\"\n"
    );
    assert_eq!(enc(s("\u{a0}")), "\"\u{a0}\"\n");
    // Long strings fold at the first space past column 80, a following space escaped.
    let words = "word ".repeat(40);
    assert_eq!(
        enc(s(&words)),
        format!(
            "\"{}\n  {}\n  {}\"\n",
            "word ".repeat(17).trim_end(),
            "word ".repeat(16).trim_end(),
            "word ".repeat(7)
        )
    );
    assert_eq!(
        enc(obj(&[("x", tup(vec![s(&format!("aaaaaaaaa  {}  c  d", "b".repeat(84)))]))])),
        format!("\"x\":\n- \"aaaaaaaaa  {}\n  \\ c  d\"\n", "b".repeat(84))
    );
    // Keys: never folded; multi-line or longer than 128 bytes, complex (`? `).
    // (two columns further right after `? `: the fold comes a word earlier).
    assert_eq!(
        enc(obj(&[(&words, n(1))])),
        format!(
            "? \"{}\n  {}\n  {}\"\n: 1\n",
            "word ".repeat(16).trim_end(),
            "word ".repeat(16).trim_end(),
            "word ".repeat(8)
        )
    );
    assert_eq!(enc(obj(&[(&"k".repeat(128), n(1))])), format!("\"{}\": 1\n", "k".repeat(128)));
    assert_eq!(enc(obj(&[("a\nb", s("v"))])), "? |-\n  a\n  b\n: \"v\"\n");
    assert_eq!(enc(obj(&[("a\u{2028}b", s("v"))])), "? \"a\\Lb\"\n: \"v\"\n");
}

#[test]
fn marks_and_unknowns() {
    assert!(ok("yamldecode", vec![secret(s("a: 1"))]).sensitive);
    assert!(ok("yamlencode", vec![obj(&[("a", secret(s("x")))])]).sensitive);
    assert!(is_unknown("yamlencode", vec![tup(vec![unknown("var.x")])]));
    assert_eq!(fail_at("yamldecode", vec![null()]), ("argument must not be null".into(), Some(0)));
    assert_eq!(fail_at("yamldecode", vec![tup(vec![])]), ("string required".into(), Some(0)));
}

// ---------------------------------------------------------------------------------------
// Property-style tests
// ---------------------------------------------------------------------------------------

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const SEEDS: &[&str] = &[
    "Version: '2012-10-17'\nStatement:\n  - Sid: A\n    Effect: Allow\n    Principal: {AWS: [a, b]}\n    Action: ['kms:*']\n    Resource: '*'\n",
    "a: &x [1, 2.5, -3, 0o7, 0x1F, .inf, .nan, ~, yes]\nb: *x\n<<: {c: d}\n",
    "- |\n  text\n   more\n- >-\n  folded\n  text\n- \"esc\\t\\u00e9\\x41\"\n- 'it''s'\n",
    "? complex\n: value\n!!str k: !!int 1\n!!binary b: aGVsbG8=\nt: 2001-12-14t21:59:43.10-05:00\n",
    "--- !!map\n{a: [b, {c: d}], e: !!seq [], f: !foo x}\n...\n",
];

const TOKENS: &[&str] = &[
    "a",
    "b",
    ":",
    ": ",
    "- ",
    "-",
    "[",
    "]",
    "{",
    "}",
    ",",
    "\n",
    "  ",
    " ",
    "&x",
    "*x",
    "&y ",
    "*y",
    "!!str ",
    "!!int ",
    "!!map ",
    "!x ",
    "<<",
    "'",
    "\"",
    "|",
    ">",
    "#",
    "?",
    "---",
    "...",
    "\t",
    "~",
    "1",
    ".5",
    "\\",
    "é",
    "%YAML 1.2\n",
    "%TAG ! tag:x,2000:\n",
    "\r\n",
    "\u{feff}",
    "😀",
    "0x",
    "yes",
    "2001-1-1",
];

/// `n` texts, half mutations of real documents, half token soup.
fn random_texts(n: usize) -> impl Iterator<Item = String> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    (0..n).map(move |i| {
        if i % 2 == 0 {
            let mut chars: Vec<char> = SEEDS[rng.below(SEEDS.len())].chars().collect();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(chars.len() + 1);
                match rng.below(3) {
                    0 if at < chars.len() => {
                        chars.remove(at);
                    }
                    1 => {
                        for (k, c) in rng.pick(TOKENS).chars().enumerate() {
                            chars.insert(at + k, c);
                        }
                    }
                    _ if at < chars.len() => {
                        let other = rng.below(chars.len());
                        chars.swap(at, other);
                    }
                    _ => {}
                }
            }
            chars.into_iter().collect::<String>()
        } else {
            (0..rng.below(40)).map(|_| rng.pick(TOKENS)).collect::<String>()
        }
    })
}

/// 20,000 random texts: `yamldecode` answers each (a value or an error) without panicking.
#[test]
fn property_no_text_makes_yamldecode_panic() {
    for text in random_texts(20_000) {
        match call("yamldecode", &[s(&text)]) {
            Some(Ok(_)) | Some(Err(FnError::Error { .. })) => {}
            other => panic!("{text:?}: {other:?}"),
        }
    }
}

/// The decoder that gives values the places of their text decodes the same values and
/// errors as `yamldecode`, and every place it asks for is a range of the text between
/// character boundaries (the text has non-ASCII characters before and after the values).
#[test]
fn property_values_and_errors_are_placed_inside_the_text() {
    use crate::source::{FileId, Span};
    for text in random_texts(20_000) {
        let text = format!("# é\n{text}");
        let map = |a: usize, b: usize| {
            assert!(a <= b && b <= text.len(), "{text:?}: {a}..{b}");
            assert!(text.is_char_boundary(a) && text.is_char_boundary(b), "{text:?}: {a}..{b}");
            Some(Span::new(FileId(0), a, b))
        };
        let placed = super::yamldecode_spanned(&text, &map);
        match (call("yamldecode", &[s(&text)]), placed) {
            (Some(Ok(v)), Ok(w)) => assert_eq!(v, w, "{text:?}"),
            (Some(Err(FnError::Error { message, .. })), Err((m, place))) => {
                assert_eq!(message, m, "{text:?}");
                assert!(place.is_none_or(|p| p <= text.len() && text.is_char_boundary(p)), "{text:?}: {place:?}");
            }
            (plain, placed) => panic!("{text:?}: {plain:?} against {placed:?}"),
        }
    }
}

/// A value's place is the text of the scalar or collection it came from.
#[test]
fn decoded_values_are_placed_on_their_text() {
    use crate::source::{FileId, Span};
    let text = "# clé\nStatement:\n  - Sid: « A »\n    Action: [kms:Decrypt, 'kms:Encrypt']\n";
    let map = |a: usize, b: usize| Some(Span::new(FileId(0), a, b));
    let v = super::yamldecode_spanned(text, &map).unwrap();
    let at = |v: &Value| {
        let span = v.span.unwrap();
        text[span.start as usize..span.end as usize].to_string()
    };
    let field = |v: &'_ Value, k: &str| v.as_map().unwrap().get(k).unwrap().clone();
    let statement = field(&v, "Statement").as_seq().unwrap()[0].clone();
    assert_eq!(at(&field(&statement, "Sid")), "« A »");
    // A block mapping ends with its last item, not at the next token.
    assert_eq!(at(&statement), "Sid: « A »\n    Action: [kms:Decrypt, 'kms:Encrypt']");
    let actions = field(&statement, "Action");
    assert_eq!(at(&actions), "[kms:Decrypt, 'kms:Encrypt']");
    assert_eq!(at(&actions.as_seq().unwrap()[1]), "'kms:Encrypt'");
    // An error is placed where the problem is.
    let (message, place) = super::yamldecode_spanned("a: b\nc: [d\né: f\n", &map).unwrap_err();
    assert!(message.starts_with("on line"), "{message}");
    assert_eq!(place.map(|p| &"a: b\nc: [d\né: f\n"[p..]), Some(": f\n"));
}

/// A random value of strings, numbers, bools, objects and tuples (`nulls`: also nulls).
fn random_value(rng: &mut Rng, depth: usize, nulls: bool) -> Value {
    const STRINGS: &[&str] = &[
        "",
        "a",
        "true",
        "~",
        "12",
        "0x1F",
        "2001-01-01",
        "-",
        "a b",
        " lead",
        "trail ",
        "two  spaces",
        "x\ny",
        "x\n",
        "\n",
        "x\n\n",
        " a\nb",
        "a \nb",
        "tab\t",
        "é",
        "😀",
        "\u{85}",
        "\"q\"",
        "\\",
        "'",
        ": ",
        "- x",
        "# c",
        "[a]",
        "{b}",
        "&a",
        "*a",
        "!t",
        "|",
        ">",
        "%",
        "@",
        "`",
        "...",
        "---",
        "?",
        "null",
        ".inf",
    ];
    let choice = if depth > 3 { rng.below(4) } else { rng.below(7) };
    match choice {
        0 => {
            let mut text = String::new();
            for _ in 0..1 + rng.below(3) {
                text.push_str(rng.pick(STRINGS));
            }
            if rng.below(10) == 0 {
                text = format!("{} {}", text, "long words ".repeat(rng.below(20)));
            }
            s(&text)
        }
        1 => num(rng.pick(&["0", "-1", "1.5", "-0.25", "123456789012345678901234567890", "1e-7"])),
        2 => b(rng.below(2) == 0),
        3 if nulls => null(),
        3 => s("x"),
        4 | 5 => {
            let members = (0..rng.below(4))
                .map(|_| {
                    let mut key = String::new();
                    for _ in 0..1 + rng.below(2) {
                        key.push_str(rng.pick(STRINGS));
                    }
                    // A quoted `<<` is still a merge key for cty-yaml.
                    if key == "<<" {
                        key.push('!');
                    }
                    if rng.below(20) == 0 {
                        key = "k".repeat(120 + rng.below(20));
                    }
                    (key, random_value(rng, depth + 1, nulls))
                })
                .collect();
            Value::object(members)
        }
        _ => tup((0..rng.below(4)).map(|_| random_value(rng, depth + 1, nulls)).collect()),
    }
}

/// Random values through `yamlencode` never panic; without nulls, `yamldecode` gives each
/// back (with nulls too: `null` is written plain and read back as null).
#[test]
fn property_yamlencode_round_trips() {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    for i in 0..20_000 {
        let v = random_value(&mut rng, 0, i % 3 == 0);
        let text = enc(v.clone());
        let back = ok("yamldecode", vec![s(&text)]);
        assert_eq!(json(&back), json(&v), "{text:?}");
    }
}
