//! The gradebook: one [`Entry`] per (submission, exercise), as CSV or JSON lines, written a
//! line at a time as rows are graded, read back for `--resume`, merged from shards
//! (`threadlab-grader merge`), and pivoted into a sheet with a column per exercise.
//!
//! CSV columns: `submission,exercise,verdict,score,runs,planned_runs,duration_ms,message,
//! replay,report`. Fields are quoted as RFC 4180 says, and their newlines are written as `\n`
//! (and `\` as `\\`), so that every row is exactly one line: a line cut short by a kill is
//! the only thing a resume has to drop, and `wc -l`, `grep` and `tail -f` work on the book.

use crate::cli::batch::Row;
use crate::core::report::Report;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;

/// The gradebook's columns, in CSV order.
pub const COLUMNS: [&str; 10] = [
    "submission",
    "exercise",
    "verdict",
    "score",
    "runs",
    "planned_runs",
    "duration_ms",
    "message",
    "replay",
    "report",
];

/// One line of the gradebook: a submission's outcome on one exercise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The submission's path.
    pub submission: String,
    /// The exercise id.
    pub exercise: String,
    /// The verdict's name, or `error` when it could not be graded.
    pub verdict: String,
    /// 1 for a pass, 0 otherwise.
    pub score: u32,
    /// Runs made.
    pub runs: Option<usize>,
    /// Runs planned.
    pub planned_runs: Option<usize>,
    /// Time to the verdict.
    pub duration_ms: Option<u64>,
    /// The failure's message, the first diagnostic, or the error.
    pub message: String,
    /// The failing run's replay string.
    pub replay: String,
    /// The whole report as text (or the error).
    pub report: String,
    /// The failing run's timeline as SVG (empty if it has none: a pass, or a run on real
    /// threads). JSON-lines gradebooks carry it, so a class page made by `merge` shows it too;
    /// CSV gradebooks do not (a picture is no spreadsheet cell).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub timeline: String,
}

impl Entry {
    /// The entry of a graded row.
    pub fn from_row(row: &Row) -> Entry {
        let report = row.report.as_ref();
        let message = match report {
            Some(r) => r
                .failure
                .as_ref()
                .map(|f| f.message.clone())
                .or_else(|| r.diagnostics.first().map(|d| d.message.clone()))
                .unwrap_or_default(),
            None => row.error.clone().unwrap_or_default(),
        };
        Entry {
            submission: row.submission.clone(),
            exercise: row.exercise.clone(),
            verdict: row.verdict().to_string(),
            score: u32::from(row.passed()),
            runs: report.map(|r| r.runs),
            planned_runs: report.map(|r| r.planned_runs),
            duration_ms: report.map(|r| r.duration_ms),
            message,
            replay: report.and_then(|r| r.failure.as_ref()).map(|f| f.replay.clone()).unwrap_or_default(),
            report: match report {
                Some(r) => r.to_string(),
                None => row.error.clone().unwrap_or_default(),
            },
            timeline: report.and_then(Report::timeline_svg).unwrap_or_default(),
        }
    }

    /// The key that identifies it: (submission, exercise).
    pub fn key(&self) -> (String, String) {
        (self.submission.clone(), self.exercise.clone())
    }

    /// Whether it passed.
    pub fn passed(&self) -> bool {
        self.verdict == "pass"
    }

    /// The command that reruns its failing schedule, if it has one.
    pub fn replay_command(&self) -> Option<String> {
        (!self.replay.is_empty()).then(|| {
            format!(
                "threadlab-grader replay {} {} --schedule {}",
                crate::core::exercise::command_line(&self.exercise),
                crate::core::exercise::shell_word(&self.submission),
                self.replay
            )
        })
    }
}

/// The file formats, by extension: `.jsonl` is JSON lines, anything else CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated, with a header line.
    Csv,
    /// One JSON object per line.
    JsonLines,
}

impl Format {
    /// The format of a path.
    pub fn of(path: &Path) -> Format {
        if path.extension().is_some_and(|e| e == "jsonl") { Format::JsonLines } else { Format::Csv }
    }

    fn header(self) -> &'static str {
        match self {
            Format::Csv => {
                "submission,exercise,verdict,score,runs,planned_runs,duration_ms,message,replay,report\n"
            }
            Format::JsonLines => "",
        }
    }

    /// One entry as one line (with its newline).
    pub fn line(self, entry: &Entry) -> String {
        match self {
            Format::Csv => csv_line(entry),
            Format::JsonLines => format!("{}\n", serde_json::to_string(entry).unwrap_or_default()),
        }
    }
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn escape_lines(text: &str) -> String {
    text.replace('\\', "\\\\").replace('\r', "").replace('\n', "\\n")
}

fn unescape_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn number<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn csv_line(entry: &Entry) -> String {
    let text = |t: &str| csv_field(&escape_lines(t));
    let fields = [
        text(&entry.submission),
        text(&entry.exercise),
        text(&entry.verdict),
        entry.score.to_string(),
        number(entry.runs),
        number(entry.planned_runs),
        number(entry.duration_ms),
        text(&entry.message),
        text(&entry.replay),
        text(&entry.report),
    ];
    format!("{}\n", fields.join(","))
}

/// Splits CSV text into records of fields (RFC 4180: quoted fields may hold commas, quotes
/// and newlines). A last record without its newline is returned too.
pub fn csv_records(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => record.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
                any = false;
            }
            _ => field.push(c),
        }
    }
    if any {
        record.push(field);
        records.push(record);
    }
    records
}

/// Parses a gradebook's text (CSV with a header naming its columns, or JSON lines).
pub fn parse(text: &str, format: Format) -> Result<Vec<Entry>, String> {
    match format {
        Format::JsonLines => text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .enumerate()
            .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1)))
            .collect(),
        Format::Csv => {
            let mut records = csv_records(text).into_iter();
            let Some(header) = records.next() else { return Ok(Vec::new()) };
            let column = |name: &str| header.iter().position(|h| h == name);
            let (Some(submission), Some(verdict)) = (column("submission"), column("verdict")) else {
                return Err("not a gradebook: no `submission` and `verdict` columns".into());
            };
            let at = |record: &[String], index: Option<usize>| {
                index.and_then(|i| record.get(i)).map(|f| unescape_lines(f)).unwrap_or_default()
            };
            let mut entries = Vec::new();
            for record in records {
                if record.iter().all(String::is_empty) {
                    continue;
                }
                let num = |name: &str| at(&record, column(name)).parse().ok();
                entries.push(Entry {
                    submission: at(&record, Some(submission)),
                    exercise: at(&record, column("exercise")),
                    verdict: at(&record, Some(verdict)),
                    score: at(&record, column("score")).parse().unwrap_or(0),
                    runs: num("runs"),
                    planned_runs: num("planned_runs"),
                    duration_ms: num("duration_ms").map(|n: usize| n as u64),
                    message: at(&record, column("message")),
                    replay: at(&record, column("replay")),
                    report: at(&record, column("report")),
                    timeline: String::new(),
                });
            }
            Ok(entries)
        }
    }
}

/// Reads a gradebook file.
pub fn read(path: &Path) -> Result<Vec<Entry>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse(&text, Format::of(path)).map_err(|e| format!("{}: {e}", path.display()))
}

/// A gradebook being written: every [`append`](Writer::append) is one whole line written to
/// the file at once, so a batch killed at any moment leaves every graded row behind.
#[derive(Debug)]
pub struct Writer {
    file: std::fs::File,
    format: Format,
}

impl Writer {
    /// Starts a new gradebook at `path` (replacing any), with its header.
    pub fn create(path: &Path) -> Result<Writer, String> {
        let format = Format::of(path);
        let mut file =
            std::fs::File::create(path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        file.write_all(format.header().as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(Writer { file, format })
    }

    /// Opens an existing gradebook to add to it, with the entries it already has; a last line
    /// cut short (a batch killed while writing it) is dropped. Creates it if it is missing.
    pub fn resume(path: &Path) -> Result<(Writer, Vec<Entry>), String> {
        let Ok(text) = std::fs::read_to_string(path) else {
            return Ok((Writer::create(path)?, Vec::new()));
        };
        if text.is_empty() {
            return Ok((Writer::create(path)?, Vec::new()));
        }
        let format = Format::of(path);
        let complete = &text[..text.rfind('\n').map_or(0, |i| i + 1)];
        let entries = parse(complete, format).map_err(|e| format!("{}: {e}", path.display()))?;
        let error = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
        let mut file = std::fs::OpenOptions::new().write(true).open(path).map_err(error)?;
        file.set_len(complete.len() as u64).map_err(error)?;
        file.seek(SeekFrom::End(0)).map_err(error)?;
        if complete.is_empty() {
            file.write_all(format.header().as_bytes()).map_err(error)?;
        }
        Ok((Writer { file, format }, entries))
    }

    /// Writes one entry as one line, now.
    pub fn append(&mut self, entry: &Entry) -> std::io::Result<()> {
        self.file.write_all(self.format.line(entry).as_bytes())?;
        self.file.flush()
    }
}

/// Writes a whole gradebook (through a temporary file and a rename, so a reader never sees
/// half of it).
pub fn write(path: &Path, entries: &[Entry]) -> Result<(), String> {
    let format = Format::of(path);
    let mut text = String::from(format.header());
    for entry in entries {
        text.push_str(&format.line(entry));
    }
    let temporary = path.with_extension("partial");
    std::fs::write(&temporary, text)
        .and_then(|()| std::fs::rename(&temporary, path))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Entries in the gradebook's order: by submission, then exercise; one per key (the last one
/// given wins).
pub fn canonical(entries: impl IntoIterator<Item = Entry>) -> Vec<Entry> {
    let mut by_key: BTreeMap<(String, String), Entry> = BTreeMap::new();
    for entry in entries {
        by_key.insert(entry.key(), entry);
    }
    by_key.into_values().collect()
}

/// Merges partial gradebooks (shards, or a resumed batch's pieces) into one, in canonical
/// order. Two different entries for one (submission, exercise) are an error.
pub fn merge(paths: &[impl AsRef<Path>]) -> Result<Vec<Entry>, String> {
    let mut by_key: BTreeMap<(String, String), (Entry, String)> = BTreeMap::new();
    for path in paths {
        let path = path.as_ref();
        for entry in read(path)? {
            let from = path.display().to_string();
            if let Some((earlier, earlier_from)) = by_key.get(&entry.key())
                && earlier.verdict != entry.verdict
            {
                return Err(format!(
                    "{} ({}) is `{}` in {earlier_from} and `{}` in {from}",
                    entry.submission, entry.exercise, earlier.verdict, entry.verdict
                ));
            }
            by_key.insert(entry.key(), (entry, from));
        }
    }
    Ok(by_key.into_values().map(|(e, _)| e).collect())
}

/// The sheet: one row per submission, a column per exercise (its verdict), and how many
/// passed — what a teacher's spreadsheet wants.
pub fn sheet(entries: &[Entry]) -> String {
    let mut exercises: Vec<&str> = Vec::new();
    for known in crate::core::exercise::all() {
        if entries.iter().any(|e| e.exercise == known.id) {
            exercises.push(known.id);
        }
    }
    for entry in entries {
        if !exercises.contains(&entry.exercise.as_str()) {
            exercises.push(&entry.exercise);
        }
    }
    let mut by_submission: BTreeMap<&str, BTreeMap<&str, &Entry>> = BTreeMap::new();
    for entry in entries {
        by_submission.entry(&entry.submission).or_default().insert(&entry.exercise, entry);
    }
    let mut out = String::from("submission");
    for exercise in &exercises {
        out.push(',');
        out.push_str(&csv_field(exercise));
    }
    out.push_str(",passed\n");
    for (submission, row) in by_submission {
        out.push_str(&csv_field(submission));
        for exercise in &exercises {
            out.push(',');
            out.push_str(row.get(exercise).map_or("", |e| e.verdict.as_str()));
        }
        out.push_str(&format!(",{}\n", row.values().filter(|e| e.passed()).count()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(submission: &str, exercise: &str, verdict: &str) -> Entry {
        Entry {
            submission: submission.into(),
            exercise: exercise.into(),
            verdict: verdict.into(),
            score: u32::from(verdict == "pass"),
            runs: Some(3),
            planned_runs: None,
            duration_ms: Some(12),
            message: "a, \"quoted\"\nmessage".into(),
            replay: "c1-n2-o01-AB".into(),
            report: "FAIL (deadlock)\n  back\\slash\n".into(),
            timeline: String::new(),
        }
    }

    #[test]
    fn csv_and_json_lines_read_back_what_they_wrote() {
        let entries = vec![entry("a,b.rs", "foobar", "pass"), entry("c.ipynb", "zero-even-odd", "deadlock")];
        for format in [Format::Csv, Format::JsonLines] {
            let mut text = format.header().to_string();
            for e in &entries {
                text.push_str(&format.line(e));
            }
            assert_eq!(parse(&text, format).unwrap(), entries, "{format:?}");
        }
    }

    #[test]
    fn a_csv_row_is_one_line() {
        let e = entry("a.rs", "foobar", "pass");
        assert!(e.message.contains('\n') && e.report.contains('\n'));
        assert_eq!(csv_line(&e).lines().count(), 1);
    }

    #[test]
    fn resume_drops_a_line_cut_short() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("book.csv");
        let mut writer = Writer::create(&path).unwrap();
        writer.append(&entry("a.rs", "foobar", "pass")).unwrap();
        drop(writer);
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str("b.rs,foobar,pa");
        std::fs::write(&path, text).unwrap();
        let (mut writer, entries) = Writer::resume(&path).unwrap();
        assert_eq!(entries.len(), 1);
        writer.append(&entry("b.rs", "foobar", "deadlock")).unwrap();
        let again = read(&path).unwrap();
        assert_eq!(again.iter().map(|e| e.verdict.as_str()).collect::<Vec<_>>(), ["pass", "deadlock"]);
    }

    #[test]
    fn the_sheet_has_a_column_per_exercise() {
        let entries = canonical(vec![
            entry("ada.ipynb", "foobar", "pass"),
            entry("ada.ipynb", "print-in-order", "pass"),
            entry("bob.ipynb", "foobar", "deadlock"),
        ]);
        assert_eq!(
            sheet(&entries),
            "submission,print-in-order,foobar,passed\nada.ipynb,pass,pass,2\nbob.ipynb,,deadlock,0\n"
        );
    }
}
