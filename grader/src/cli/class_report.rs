//! The class on one page (`batch --report class.html`): a self-contained HTML file — inline
//! CSS, inline SVG, a few lines of inline script to sort the table, nothing fetched — with
//! per exercise a histogram of the verdicts, the submissions table, and per submission its
//! report and the command that replays its failing schedule.

use crate::cli::gradebook::Entry;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The verdicts in the order the histograms show them.
const VERDICTS: [&str; 10] = [
    "pass",
    "wrong-output",
    "wrong-thread",
    "deadlock",
    "panic",
    "timeout",
    "limit-exceeded",
    "compile-error",
    "rejected",
    "error",
];

/// Escapes text for HTML (element content and quoted attributes).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn colour(verdict: &str) -> &'static str {
    match verdict {
        "pass" => "#2e7d32",
        "compile-error" | "rejected" => "#8e6c00",
        "error" => "#616161",
        _ => "#c62828",
    }
}

/// How many entries of each verdict, per exercise (in the order of `exercise::all()`, others after).
pub fn histograms(entries: &[Entry]) -> Vec<(String, BTreeMap<String, usize>)> {
    let mut out: Vec<(String, BTreeMap<String, usize>)> = Vec::new();
    for entry in entries {
        let index = match out.iter().position(|(e, _)| *e == entry.exercise) {
            Some(i) => i,
            None => {
                out.push((entry.exercise.clone(), BTreeMap::new()));
                out.len() - 1
            }
        };
        *out[index].1.entry(entry.verdict.clone()).or_default() += 1;
    }
    let known = crate::core::exercise::all();
    out.sort_by_key(|(exercise, _)| known.iter().position(|e| e.id == exercise).unwrap_or(known.len()));
    out
}

fn histogram_svg(exercise: &str, counts: &BTreeMap<String, usize>) -> String {
    let mut verdicts: Vec<&str> = VERDICTS.iter().copied().filter(|v| counts.contains_key(*v)).collect();
    verdicts.extend(counts.keys().map(String::as_str).filter(|v| !VERDICTS.contains(v)));
    let max = counts.values().copied().max().unwrap_or(1).max(1);
    let (bar, gap, label_width, chart_width) = (18, 6, 120, 260);
    let height = verdicts.len() * (bar + gap) + gap;
    let mut svg = format!(
        "<svg class=\"histogram\" data-exercise=\"{}\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\" \
         width=\"{}\" height=\"{height}\" viewBox=\"0 0 {} {height}\">",
        escape(exercise),
        label_width + chart_width + 50,
        label_width + chart_width + 50
    );
    for (i, verdict) in verdicts.iter().enumerate() {
        let count = counts[*verdict];
        let y = gap + i * (bar + gap);
        let width = (count * chart_width).div_ceil(max).max(2);
        let _ = write!(
            svg,
            "<g class=\"bar\" data-verdict=\"{v}\" data-count=\"{count}\"><title>{v}: {count}</title>\
             <text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{v}</text>\
             <rect x=\"{label_width}\" y=\"{y}\" width=\"{width}\" height=\"{bar}\" fill=\"{c}\"/>\
             <text x=\"{cx}\" y=\"{ty}\">{count}</text></g>",
            v = escape(verdict),
            lx = label_width - 6,
            ty = y + bar - 4,
            c = colour(verdict),
            cx = label_width + width + 6,
        );
    }
    svg.push_str("</svg>");
    svg
}

const STYLE: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#212121;max-width:1200px}\
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}\
.summary{color:#555}.charts{display:flex;flex-wrap:wrap;gap:24px}\
.chart{border:1px solid #ddd;border-radius:6px;padding:8px 12px}.chart h3{margin:0 0 6px;font-size:15px}\
.timeline{overflow-x:auto;max-width:100%}\
svg text{font:12px system-ui,sans-serif;fill:#212121}\
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #e0e0e0;padding:4px 8px;text-align:left;vertical-align:top}\
th{background:#f5f5f5;cursor:pointer;user-select:none}th:after{content:' \\2195';color:#aaa}\
td.num{text-align:right}.verdict{font-weight:600;color:#fff;border-radius:3px;padding:1px 6px}\
details{border:1px solid #e0e0e0;border-radius:6px;margin:8px 0;padding:6px 10px}summary{cursor:pointer}\
pre{background:#fafafa;border:1px solid #eee;padding:8px;overflow-x:auto;white-space:pre-wrap}\
code.replay{display:block;background:#263238;color:#eceff1;padding:6px 8px;border-radius:4px;white-space:pre-wrap}";

const SCRIPT: &str = "document.querySelectorAll('th').forEach(function(th,i){th.addEventListener('click',function(){\
var tb=th.closest('table').tBodies[0],rows=Array.from(tb.rows),up=th.dataset.dir!=='up';th.dataset.dir=up?'up':'down';\
rows.sort(function(a,b){var x=a.cells[i].dataset.key||a.cells[i].textContent,y=b.cells[i].dataset.key||b.cells[i].textContent;\
var n=parseFloat(x)-parseFloat(y);var c=isNaN(n)?x.localeCompare(y):n;return up?c:-c;});\
rows.forEach(function(r){tb.appendChild(r);});});});";

/// The page for `entries`.
pub fn html(title: &str, entries: &[Entry]) -> String {
    let passed = entries.iter().filter(|e| e.passed()).count();
    let submissions: std::collections::BTreeSet<&str> =
        entries.iter().map(|e| e.submission.as_str()).collect();
    let mut page = String::new();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/><title>{t}</title>\
         <style>{STYLE}</style></head><body>\n<h1>{t}</h1>\n\
         <p class=\"summary\">{n} submissions, {r} graded rows, {passed} passed.</p>\n<h2>Verdicts per exercise</h2>\n<div class=\"charts\">",
        t = escape(title),
        n = submissions.len(),
        r = entries.len(),
    );
    for (exercise, counts) in histograms(entries) {
        let total: usize = counts.values().sum();
        let ok = counts.get("pass").copied().unwrap_or(0);
        let _ = write!(
            page,
            "<div class=\"chart\"><h3>{} <small>({ok} of {total} pass)</small></h3>{}</div>",
            escape(if exercise.is_empty() { "(no exercise)" } else { &exercise }),
            histogram_svg(&exercise, &counts)
        );
    }
    page.push_str(
        "</div>\n<h2>Submissions</h2>\n<table id=\"submissions\"><thead><tr><th>submission</th><th>exercise</th>\
         <th>verdict</th><th>runs</th><th>ms</th><th>message</th></tr></thead><tbody>\n",
    );
    for (i, entry) in entries.iter().enumerate() {
        let message: String = entry.message.lines().next().unwrap_or_default().chars().take(140).collect();
        let _ = writeln!(
            page,
            "<tr class=\"row\" data-verdict=\"{v}\"><td><a href=\"#s{i}\">{s}</a></td><td>{e}</td>\
             <td data-key=\"{v}\"><span class=\"verdict\" style=\"background:{c}\">{v}</span></td>\
             <td class=\"num\">{runs}</td><td class=\"num\">{ms}</td><td>{m}</td></tr>",
            v = escape(&entry.verdict),
            s = escape(&entry.submission),
            e = escape(&entry.exercise),
            c = colour(&entry.verdict),
            runs = entry.runs.map(|r| r.to_string()).unwrap_or_default(),
            ms = entry.duration_ms.map(|r| r.to_string()).unwrap_or_default(),
            m = escape(&message),
        );
    }
    page.push_str("</tbody></table>\n<h2>Reports</h2>\n");
    for (i, entry) in entries.iter().enumerate() {
        let _ = write!(
            page,
            "<details id=\"s{i}\" class=\"report\"{open}><summary><b>{s}</b> — {e}: \
             <span class=\"verdict\" style=\"background:{c}\">{v}</span></summary><pre>{r}</pre>",
            open = if entry.passed() { "" } else { " open=\"open\"" },
            s = escape(&entry.submission),
            e = escape(&entry.exercise),
            c = colour(&entry.verdict),
            v = escape(&entry.verdict),
            r = escape(entry.report.trim_end()),
        );
        if !entry.timeline.is_empty() {
            // The renderer's own SVG (its text is XML-escaped), inline so the page stays one file.
            let _ = write!(
                page,
                "<p>The failing run, step by step:</p><div class=\"timeline\">{}</div>",
                entry.timeline.trim_end()
            );
        }
        if let Some(command) = entry.replay_command() {
            let _ = write!(
                page,
                "<p>Replay the failing schedule:</p><code class=\"replay\">{}</code>",
                escape(&command)
            );
        }
        page.push_str("</details>\n");
    }
    let _ = write!(page, "<script>{SCRIPT}</script>\n</body></html>\n");
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("<a href='x'>&\"</a>"), "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
    }
}
