//! Helpers shared by rules.

/// The closest candidate to `word` (case-insensitive edit distance), when close enough to
/// be a plausible typo: at most a third of the word's length, and at least 1. Candidates
/// whose length differs by more than that are not compared (the distance is at least the
/// difference): a long unknown name repeated in many statements costs nothing.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let w = word.to_ascii_lowercase();
    let len = w.chars().count();
    let limit = (len / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| c.chars().count().abs_diff(len) <= limit)
        .map(|c| (edit_distance(&w, &c.to_ascii_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// Damerau-Levenshtein distance (optimal string alignment) in characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(did_you_mean("kms:Encrpyt", ["kms:Encrypt", "kms:Decrypt"]), Some("kms:Encrypt"));
        assert_eq!(did_you_mean("StringEqual", ["StringEquals", "StringLike"]), Some("StringEquals"));
        assert_eq!(did_you_mean("kms:Frobnicate", ["kms:Encrypt"]), None);
    }
}
