//! `history`: the cells run in this session, answered as `tail`, `range` or `search` (IPython's
//! history manager, kept in memory for the kernel's life).

use serde_json::{Value, json};

/// This kernel's session number in history entries (IPython numbers sessions from 1).
pub const SESSION: i64 = 1;

/// One stored cell.
#[derive(Debug, Clone)]
struct Entry {
    line: usize,
    input: String,
    output: Option<String>,
}

/// The session's history.
#[derive(Debug, Default)]
pub struct History {
    entries: Vec<Entry>,
}

/// A parsed `history_request`.
#[derive(Debug, Clone, PartialEq)]
pub enum Query {
    /// The last `n` cells.
    Tail {
        /// How many.
        n: usize,
    },
    /// Cells `start..stop` of a session.
    Range {
        /// The session (0 or negative: relative to the current one).
        session: i64,
        /// First line.
        start: usize,
        /// Line after the last (0: to the end).
        stop: usize,
    },
    /// Cells matching a glob pattern.
    Search {
        /// `*` and `?` wildcards, matched against the whole cell.
        pattern: String,
        /// Only the latest of equal cells.
        unique: bool,
        /// The last `n` matches (all when absent).
        n: Option<usize>,
    },
}

impl Query {
    /// Parses a request's content, leniently (missing optional fields take IPython's defaults).
    pub fn parse(content: &Value) -> Result<(Query, bool), String> {
        let output = content["output"].as_bool().unwrap_or(false);
        let number = |key: &str| content[key].as_i64();
        let query = match content["hist_access_type"].as_str() {
            Some("tail") => Query::Tail { n: number("n").unwrap_or(10).max(0) as usize },
            Some("range") => Query::Range {
                session: number("session").unwrap_or(0),
                start: number("start").unwrap_or(0).max(0) as usize,
                stop: number("stop").unwrap_or(0).max(0) as usize,
            },
            Some("search") => Query::Search {
                pattern: content["pattern"].as_str().unwrap_or("*").to_owned(),
                unique: content["unique"].as_bool().unwrap_or(false),
                n: number("n").filter(|n| *n > 0).map(|n| n as usize),
            },
            other => return Err(format!("unknown hist_access_type {other:?}")),
        };
        Ok((query, output))
    }
}

impl History {
    /// Records a cell run with `store_history`.
    pub fn record(&mut self, line: usize, input: &str, output: Option<String>) {
        self.entries.push(Entry { line, input: input.to_owned(), output });
    }

    /// The entries answering `query`, as `[session, line, input]` or `[session, line, [input, output]]`.
    pub fn answer(&self, query: &Query, with_output: bool) -> Vec<Value> {
        let selected: Vec<&Entry> = match query {
            Query::Tail { n } => self.entries.iter().skip(self.entries.len().saturating_sub(*n)).collect(),
            Query::Range { session, start, stop } => {
                if *session > 0 && *session != SESSION {
                    Vec::new()
                } else {
                    self.entries
                        .iter()
                        .filter(|e| e.line >= *start && (*stop == 0 || e.line < *stop))
                        .collect()
                }
            }
            Query::Search { pattern, unique, n } => {
                let mut matches: Vec<&Entry> =
                    self.entries.iter().filter(|e| glob(pattern, &e.input)).collect();
                if *unique {
                    let mut seen = std::collections::HashSet::new();
                    let mut latest_first: Vec<&Entry> =
                        matches.into_iter().rev().filter(|e| seen.insert(e.input.as_str())).collect();
                    latest_first.reverse();
                    matches = latest_first;
                }
                if let Some(n) = n {
                    matches.drain(..matches.len().saturating_sub(*n));
                }
                matches
            }
        };
        selected
            .into_iter()
            .map(|e| {
                if with_output {
                    json!([SESSION, e.line, [e.input, e.output.clone().unwrap_or_default()]])
                } else {
                    json!([SESSION, e.line, e.input])
                }
            })
            .collect()
    }
}

/// Glob matching as SQLite's `GLOB` (which IPython uses): `*` any run, `?` one character.
fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if let Some((star_p, star_t)) = star {
            pi = star_p + 1;
            ti = star_t + 1;
            star = Some((star_p, star_t + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history() -> History {
        let mut h = History::default();
        for (i, code) in ["6 * 7", "let x = 1;", "6 * 7", "x + 1"].iter().enumerate() {
            h.record(i + 1, code, Some(format!("out{}", i + 1)));
        }
        h
    }

    #[test]
    fn tail_range_search() {
        let h = history();
        assert_eq!(
            h.answer(&Query::Tail { n: 2 }, false),
            vec![json!([1, 3, "6 * 7"]), json!([1, 4, "x + 1"])]
        );
        assert_eq!(
            h.answer(&Query::Range { session: 1, start: 2, stop: 3 }, true),
            vec![json!([1, 2, ["let x = 1;", "out2"]])]
        );
        assert_eq!(h.answer(&Query::Range { session: 7, start: 0, stop: 0 }, false).len(), 0);
        let search =
            |pattern: &str, unique, n| h.answer(&Query::Search { pattern: pattern.into(), unique, n }, false);
        assert_eq!(search("6*", false, None).len(), 2);
        assert_eq!(search("6*", true, None), vec![json!([1, 3, "6 * 7"])]);
        assert_eq!(search("*", false, Some(3)).len(), 3);
        assert_eq!(search("x ? 1", false, None).len(), 1);
        assert_eq!(search("7", false, None).len(), 0);
        assert_eq!(
            search("6 *", false, None).len(),
            2,
            "a literal `*` in the text is matched by the wildcard"
        );
    }

    #[test]
    fn parse_accepts_missing_optional_fields() {
        let (query, output) =
            Query::parse(&json!({"hist_access_type": "search", "pattern": "a*", "raw": true})).unwrap();
        assert_eq!(query, Query::Search { pattern: "a*".into(), unique: false, n: None });
        assert!(!output);
        assert!(Query::parse(&json!({"hist_access_type": "sideways"})).is_err());
    }
}
