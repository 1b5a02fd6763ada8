use super::super::test_util::*;

#[test]
fn smoke() {
    assert_eq!(j("yamldecode", vec![s("a: 1\nb: [x, true, ~]")]), r#"{"a":1,"b":["x",true,null]}"#);
    assert_eq!(ok("yamlencode", vec![obj(&[("a", s("b")), ("c", s("d"))])]), s("\"a\": \"b\"\n\"c\": \"d\"\n"));
}
