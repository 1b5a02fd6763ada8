//! A bound on the parser's work for objects with very many members.
//!
//! hcl-edit checks each new object key against every key before it, so an object of `k`
//! members costs it about `k²/2` comparisons: a 2 MB file holding one object of 150,000
//! keys takes minutes to parse. Before a file goes to the parser, a quick scan (its
//! strings, heredocs, comments and template interpolations skipped or entered as the
//! parser would) counts the members of every object `{ ... }` (`=` and `:` directly inside
//! it, an upper bound; a block's body is a list to the parser, not an object, and is not
//! counted) and refuses the file when `Σ k²` over its objects is over
//! [`max_work`] for its size: a fixed allowance plus an amount per byte, so ordinary files
//! (objects of a few hundred members) never come near it, and the time spent on any file
//! stays proportional to its size.

/// `Σ k²` allowed whatever the size of the text.
pub const FIXED_WORK: u64 = 4_000_000;
/// `Σ k²` allowed for each byte of the text.
pub const WORK_PER_BYTE: u64 = 400;

/// `Σ k²` allowed for a file of `len` bytes.
pub fn max_work(len: usize) -> u64 {
    FIXED_WORK + WORK_PER_BYTE * len as u64
}

/// The object that makes a file too costly to parse: where its `{` is and how many
/// members it has (counted as the scan counts them).
#[derive(Debug, PartialEq, Eq)]
pub struct Costly {
    pub offset: usize,
    pub members: u64,
    /// `Σ k²` over the file's objects.
    pub work: u64,
}

impl Costly {
    /// The finding, in a few words, for messages that have their own context.
    pub fn summary(&self) -> String {
        format!(
            "an object of {} members: too big for kmsc to parse in bounded time",
            crate::diagnostic::thousands(self.members)
        )
    }
}

/// `Some` when the objects of `text` would cost the parser more than [`max_work`].
pub fn check(text: &str) -> Option<Costly> {
    let limit = max_work(text.len());
    // Fast path: the number of `=` and `:` bytes bounds every object's members.
    // Counted in blocks of 64 bytes, which the compiler vectorises (three times faster than
    // a plain filter and count: this runs on every file).
    let separators: u64 = text
        .as_bytes()
        .chunks(64)
        .map(|block| block.iter().map(|&b| u32::from((b == b'=') | (b == b':'))).sum::<u32>() as u64)
        .sum();
    if separators.saturating_mul(separators) <= limit {
        return None;
    }
    let (work, worst) = scan(text.as_bytes());
    (work > limit).then_some(Costly { offset: worst.0, members: worst.1, work })
}

/// The scan [`check`] runs on a big text, on any text: `Σ k²` over its objects and the
/// biggest object (where its `{` is, its members). For tests and fuzzing.
pub fn object_work(text: &str) -> (u64, Option<(usize, u64)>) {
    let (work, (offset, members)) = scan(text.as_bytes());
    (work, (members > 0).then_some((offset, members)))
}

enum Frame<'a> {
    /// `{`: where it is, the members counted directly inside, and whether it opens an
    /// object (not a block's body).
    Brace(usize, u64, bool),
    /// `(` or `[`.
    Group,
    /// A quoted string (a template).
    Quoted,
    /// `${ ... }` or `%{ ... }` inside a template.
    Interpolation,
    /// A heredoc's lines, until one that is the marker alone.
    Heredoc { marker: &'a [u8], line_start: bool },
}

/// `(Σ k², (offset, k) of the largest object)`.
fn scan(b: &[u8]) -> (u64, (usize, u64)) {
    let mut stack: Vec<Frame> = Vec::new();
    let mut work: u64 = 0;
    let mut worst = (0usize, 0u64);
    let mut close = |start: usize, k: u64, work: &mut u64| {
        *work = work.saturating_add(k.saturating_mul(k));
        if k > worst.1 {
            worst = (start, k);
        }
    };
    // The last byte of code seen (not space, not a comment) and where: what comes before
    // a `{` tells an object from a block's body.
    let mut prev: (u8, usize) = (0, 0);
    let mut i = 0;
    while i < b.len() {
        let depth = stack.len();
        match stack.last_mut() {
            Some(Frame::Quoted) => match b[i] {
                b'\\' => i += 2,
                b'"' | b'\n' => {
                    stack.pop();
                    i += 1;
                }
                _ => {
                    i = template_char(b, i, &mut stack);
                    if stack.len() > depth {
                        prev = (b'{', i - 1);
                    }
                }
            },
            Some(Frame::Heredoc { marker, line_start }) => {
                if *line_start {
                    let end = b[i..].iter().position(|&c| c == b'\n').map_or(b.len(), |n| i + n);
                    if b[i..end].trim_ascii() == *marker {
                        stack.pop();
                        i = end;
                        continue;
                    }
                    *line_start = false;
                }
                if b[i] == b'\n' {
                    if let Some(Frame::Heredoc { line_start, .. }) = stack.last_mut() {
                        *line_start = true;
                    }
                    i += 1;
                } else {
                    i = template_char(b, i, &mut stack);
                    if stack.len() > depth {
                        prev = (b'{', i - 1);
                    }
                }
            }
            _ => {
                let c = b[i];
                let next = b.get(i + 1).copied();
                let comment = c == b'#' || (c == b'/' && matches!(next, Some(b'/' | b'*')));
                if !c.is_ascii_whitespace() && !comment {
                    // Set before the byte is handled: `{` looks at what came before it.
                    let before = prev;
                    prev = (c, i);
                    if c == b'{' {
                        stack.push(Frame::Brace(i, 0, opens_object(b, before)));
                        i += 1;
                        continue;
                    }
                }
                match c {
                    b'"' => {
                        stack.push(Frame::Quoted);
                        i += 1;
                    }
                    b'#' => i = line_end(b, i),
                    b'/' if next == Some(b'/') => i = line_end(b, i),
                    b'/' if next == Some(b'*') => {
                        i = b[i + 2..].windows(2).position(|w| w == b"*/").map_or(b.len(), |n| i + 2 + n + 2);
                    }
                    b'<' if next == Some(b'<') => match heredoc_marker(b, i + 2) {
                        Some((marker, body)) => {
                            stack.push(Frame::Heredoc { marker, line_start: true });
                            i = body;
                        }
                        None => i += 2,
                    },
                    b'(' | b'[' => {
                        stack.push(Frame::Group);
                        i += 1;
                    }
                    b'}' | b')' | b']' => {
                        // `}` of an interpolation: back in its template; any other mismatch
                        // is the parser's to report.
                        if let Some(Frame::Brace(start, k, true)) = stack.pop() {
                            close(start, k, &mut work);
                        }
                        i += 1;
                    }
                    b'=' | b':' => {
                        // Not `==`, `=>`, `!=`, `<=`, `>=`.
                        let comparison = c == b'='
                            && (matches!(next, Some(b'=' | b'>'))
                                || (i > 0 && matches!(b[i - 1], b'=' | b'!' | b'<' | b'>')));
                        if !comparison && let Some(Frame::Brace(_, k, _)) = stack.last_mut() {
                            *k += 1;
                        }
                        i += 1;
                    }
                    _ => i += 1,
                }
            }
        }
    }
    // Objects left open at the end cost the parser as much before it gives up.
    while let Some(f) = stack.pop() {
        if let Frame::Brace(start, k, true) = f {
            close(start, k, &mut work);
        }
    }
    (work, worst)
}

/// Whether a `{` after `before` (the last byte of code and where it is) opens an object: a
/// block's body follows a label (a quoted string or an identifier), an object follows an
/// operator, a bracket, a comma, `=`/`:`, the `in` of a `for`, the `if` of a template
/// directive, or nothing at all.
fn opens_object(b: &[u8], before: (u8, usize)) -> bool {
    let (c, at) = before;
    if c == b'"' {
        return false;
    }
    let ident = |x: u8| x.is_ascii_alphanumeric() || x == b'_' || x == b'-';
    if c == 0 || !ident(c) {
        return true;
    }
    let start = b[..=at].iter().rposition(|&x| !ident(x)).map_or(0, |p| p + 1);
    matches!(&b[start..=at], b"in" | b"if")
}

/// One step in a template at `i`: enters `${`/`%{` (not the escapes `$${`/`%%{`).
fn template_char(b: &[u8], i: usize, stack: &mut Vec<Frame>) -> usize {
    let c = b[i];
    if (c == b'$' || c == b'%') && b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&b'{') {
        return i + 3;
    }
    if (c == b'$' || c == b'%') && b.get(i + 1) == Some(&b'{') {
        stack.push(Frame::Interpolation);
        return i + 2;
    }
    i + 1
}

fn line_end(b: &[u8], i: usize) -> usize {
    b[i..].iter().position(|&c| c == b'\n').map_or(b.len(), |n| i + n)
}

/// After `<<`: `-`, an identifier, then the end of the line: the identifier and where the
/// heredoc's first line starts.
fn heredoc_marker(b: &[u8], mut i: usize) -> Option<(&[u8], usize)> {
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    let start = i;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'-') {
        i += 1;
    }
    if i == start {
        return None;
    }
    let marker = &b[start..i];
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t' || b[i] == b'\r') {
        i += 1;
    }
    (b.get(i) == Some(&b'\n')).then_some((marker, i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(text: &str) -> (u64, (usize, u64)) {
        scan(text.as_bytes())
    }

    #[test]
    fn counts_the_members_of_each_object() {
        let text = "locals {\n  a = { x = 1, y = 2, z = { p = 1 } }\n  b = [for k, v in m : k]\n}\n";
        // The object: x, y, z; the inner one: p. The body of `locals` is a block's, which
        // the parser keeps as a list: not counted.
        let (work, worst) = members(text);
        assert_eq!(worst, (text.find("{ x").unwrap(), 3));
        assert_eq!(work, 3 * 3 + 1);
    }

    #[test]
    fn skips_strings_comments_and_heredocs_but_enters_interpolations() {
        let text = concat!(
            "# a = { b = 1 }\n",
            "/* c = { d = 1 } */\n",
            "x = \"{ e = 1 } $${ f = 1 } ${ { g = 1, h = 2 } }\"\n",
            "y = <<-EOT\n",
            "  { i = 1 }\n",
            "  %{ if { j = 1 } == {} }k%{ endif }\n",
            "  EOT\n",
            "z = { l = 1 }\n",
        );
        let (work, _) = members(text);
        // `{ g = 1, h = 2 }`: 2; `{ j = 1 }`: 1; `{}`: 0; `{ l = 1 }`: 1.
        assert_eq!(work, 4 + 1 + 1);
    }

    #[test]
    fn block_bodies_are_not_objects() {
        let text = "resource \"a\" \"b\" {\n  x = 1\n  y = 2\n  dynamic \"d\" {\n    for_each = { p = 1 }\n    content {\n      z = 3\n    }\n  }\n}\nlocals { # c\n  q = [for k in { r = 1, s = 2 } : k]\n}\n";
        // Only the two objects: `{ p = 1 }` and `{ r = 1, s = 2 }` (after `in`).
        assert_eq!(members(text).0, 1 + 4);
        // An expression alone (a variable's value) may start with an object.
        assert_eq!(members("{ a = 1, b = 2 }").0, 4);
    }

    #[test]
    fn comparisons_and_arrows_are_not_members() {
        let (work, _) = members("{ a = b == c, d = e != f, g = h <= i, j = k >= l, m = { for x in y : x => 1 } }");
        // Outer: a, d, g, j, m; inner: the `:` of the `for`.
        assert_eq!(work, 25 + 1);
    }

    #[test]
    fn never_panics_on_any_arrangement_of_the_characters_it_looks_at() {
        // `check` scans only texts with many `=` and `:`, which the pipeline's fuzzing
        // rarely builds: the scanner itself gets every short arrangement here.
        let alphabet = b"{}[]()\"\\$%#/*<-=:>!\n EOTa";
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 64) as usize;
            let mut text = Vec::with_capacity(len);
            let mut x = state;
            for _ in 0..len {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                text.push(alphabet[(x >> 33) as usize % alphabet.len()]);
            }
            let (work, (offset, k)) = scan(&text);
            // The biggest object is a `{` of the text, and its square is part of the sum.
            let shown = String::from_utf8_lossy(&text);
            assert!(k == 0 || text.get(offset) == Some(&b'{'), "{shown:?}");
            assert!(work >= k * k, "{shown:?}");
        }
    }

    #[test]
    fn a_big_object_is_found_and_a_smaller_one_is_accepted() {
        let object = |n: u64| {
            let mut text = String::from("locals {\n  a = {\n");
            for i in 0..n {
                text.push_str(&format!("    k{i} = {i}\n"));
            }
            text.push_str("  }\n}\n");
            text
        };
        let text = object(20_000);
        let found = check(&text).expect("refused");
        assert_eq!(found.members, 20_000);
        assert_eq!(found.offset, text.find("{\n    k0").unwrap());
        // 5,000 members is within the allowance for a file of that size.
        assert_eq!(check(&object(5_000)), None);
    }
}
