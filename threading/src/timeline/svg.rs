//! The timeline as one self-contained SVG: no script, no external font or image, its own
//! background and two palettes (light, and dark under `prefers-color-scheme: dark`), so it
//! reads the same on JupyterLab's light and dark themes and in a browser. Every text is
//! XML-escaped (thread and primitive names come from the learner's code).

use super::fold::{Column, columns};
use super::{StepKind, Timeline};
use std::fmt::Write as _;

/// Steps an SVG shows at most (folds come on top).
pub const BUDGET: usize = 48;

const MARGIN: f64 = 12.0;
const TITLE_H: f64 = 26.0;
const AXIS_H: f64 = 16.0;
const LANE_H: f64 = 48.0;
const BOX_H: f64 = 32.0;
const GAP: f64 = 6.0;
const CHAR_W: f64 = 6.6;
const FOLD_W: f64 = 64.0;
const LINE_H: f64 = 17.0;
/// Width left after the last step for threads still blocked at the end.
const OPEN_END: f64 = 150.0;
/// Characters of a label drawn in a box (the whole text is in the box's tooltip).
const LABEL_CHARS: usize = 20;

const STYLE: &str = "\
.bg{fill:#ffffff}.fg{fill:#1f2328}.mu{fill:#57606a}.grid{stroke:#d0d7de}\
.op{fill:#ddf4ff;stroke:#0969da}.pr{fill:#dafbe1;stroke:#1a7f37}\
.bad{fill:#ffebe9;stroke:#cf222e;stroke-width:2.5}.se{fill:#f6f8fa;stroke:#8c959f}\
.blk{fill:#fff8c5;stroke:#bf8700}.hatch{stroke:#bf8700}.pre{stroke:#bc4c00;fill:#bc4c00}\
.focus{fill:#fff1e5}.fold{fill:none;stroke:#8c959f;stroke-dasharray:3 3}\
text{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:11px}\
.title{font-size:13px;font-weight:bold}.lane{font-size:12px;font-weight:bold}\
@media (prefers-color-scheme: dark){\
.bg{fill:#1e1e1e}.fg{fill:#e6edf3}.mu{fill:#9da7b3}.grid{stroke:#3d444d}\
.op{fill:#0c2d6b;stroke:#4493f8}.pr{fill:#0f3d1f;stroke:#3fb950}\
.bad{fill:#4c1418;stroke:#f85149}.se{fill:#2d333b;stroke:#768390}\
.blk{fill:#3b2e00;stroke:#d29922}.hatch{stroke:#d29922}.pre{stroke:#f0883e;fill:#f0883e}\
.focus{fill:#2b1d12}.fold{stroke:#768390}}";

/// `text` with `&`, `<`, `>`, `"` and `'` escaped, and control characters (which XML 1.0
/// forbids) replaced, so any thread or token name is safe in an attribute or a text node.
///
/// ```
/// use threading::timeline::svg::escape;
/// assert_eq!(escape("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
/// assert_eq!(escape("x\u{1}y"), "x\u{fffd}y");
/// ```
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// At most `max` characters of `text`, with `…` when cut.
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// The second line of a step's box.
fn second_line(step: &super::Step) -> Option<String> {
    match &step.kind {
        StepKind::WrongPrint { why } => Some(format!("✗ {why}")),
        _ => step.object.clone(),
    }
}

/// Where each column sits: its left x and width.
struct Layout {
    columns: Vec<Column>,
    x: Vec<f64>,
    w: Vec<f64>,
    left: f64,
    right: f64,
}

impl Layout {
    fn new(timeline: &Timeline, budget: usize) -> Layout {
        let columns = columns(timeline, budget);
        let name_chars = timeline.lanes.iter().map(|l| l.name.chars().count().min(16)).max().unwrap_or(4);
        let left = MARGIN + name_chars as f64 * 7.4 + 16.0;
        let mut x = Vec::with_capacity(columns.len());
        let mut w = Vec::with_capacity(columns.len());
        let mut at = left;
        for column in &columns {
            let width = match *column {
                Column::Step(s) => {
                    let step = &timeline.steps[s];
                    let chars = [Some(step.label.clone()), second_line(step)]
                        .iter()
                        .flatten()
                        .map(|t| t.chars().count().min(LABEL_CHARS))
                        .max()
                        .unwrap_or(4);
                    (chars as f64 * CHAR_W + 14.0).max(56.0)
                }
                Column::Fold { .. } => FOLD_W,
            };
            x.push(at);
            w.push(width);
            at += width + GAP;
        }
        if timeline.blocked.iter().any(|b| b.until.is_none()) {
            at += OPEN_END; // room for the spans that never end
        }
        Layout { columns, x, w, left, right: at }
    }

    /// The column showing `step`.
    fn column_of(&self, step: usize) -> Option<usize> {
        self.columns.iter().position(|c| c.covers(step))
    }
}

/// Draws `timeline` as SVG, showing at most about `budget` steps ([`BUDGET`] is a good one).
pub fn render(timeline: &Timeline, budget: usize) -> String {
    let layout = Layout::new(timeline, budget);
    let lanes_top = MARGIN + TITLE_H + AXIS_H;
    let lanes_bottom = lanes_top + timeline.lanes.len() as f64 * LANE_H;
    let mut lines: Vec<(String, &str)> = Vec::new();
    if !timeline.wait_for.is_empty() {
        lines.push(("Stuck at the end — who waits on what, who holds what:".into(), "fg"));
        for w in &timeline.wait_for {
            let holds =
                if w.holds.is_empty() { String::new() } else { format!("; holds {}", w.holds.join(", ")) };
            lines.push((format!("  {}: {}{holds}", w.thread, w.state), "fg"));
        }
    }
    for note in &timeline.notes {
        lines.push((note.clone(), "mu"));
    }
    let legend_y = lanes_bottom + 14.0 + lines.len() as f64 * LINE_H;
    let width = layout.right.max(MARGIN + 620.0) + MARGIN;
    let text_chars = ((width - 2.0 * MARGIN) / CHAR_W) as usize;
    let height = legend_y + 30.0;

    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" role="img" aria-label="{}">"#,
        escape(&timeline.title)
    );
    let _ = write!(
        svg,
        r#"<style>{STYLE}</style><defs><pattern id="tl-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line class="hatch" x1="0" y1="0" x2="0" y2="6" stroke-width="2"/></pattern></defs>"#
    );
    let _ = write!(svg, r#"<rect class="bg" x="0" y="0" width="{width:.0}" height="{height:.0}"/>"#);
    let _ = write!(
        svg,
        r#"<text class="fg title" x="{MARGIN}" y="{:.1}">{}</text>"#,
        MARGIN + 14.0,
        escape(&clip(&timeline.title, text_chars))
    );

    // The focus: a band behind every lane.
    if let Some(c) = timeline.focus.and_then(|f| layout.column_of(f)) {
        let _ = write!(
            svg,
            r#"<rect class="focus" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}"/>"#,
            layout.x[c] - GAP / 2.0,
            lanes_top - AXIS_H,
            layout.w[c] + GAP,
            lanes_bottom - lanes_top + AXIS_H
        );
    }
    // The axis: step numbers, and the folds.
    for (c, column) in layout.columns.iter().enumerate() {
        let cx = layout.x[c] + layout.w[c] / 2.0;
        match *column {
            Column::Step(s) => {
                let _ = write!(
                    svg,
                    r#"<text class="mu" x="{cx:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                    lanes_top - 4.0,
                    s + 1
                );
            }
            Column::Fold { from, to } => {
                let _ = write!(
                    svg,
                    r#"<g class="folded" data-from="{from}" data-to="{to}"><title>{} steps left out ({}–{})</title><rect class="fold" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="4"/><text class="mu" x="{cx:.1}" y="{:.1}" text-anchor="middle">… {}</text><text class="mu" x="{cx:.1}" y="{:.1}" text-anchor="middle">steps …</text></g>"#,
                    to - from,
                    from + 1,
                    to,
                    layout.x[c],
                    lanes_top + 2.0,
                    layout.w[c],
                    lanes_bottom - lanes_top - 4.0,
                    (lanes_top + lanes_bottom) / 2.0 - 2.0,
                    to - from,
                    (lanes_top + lanes_bottom) / 2.0 + 11.0
                );
            }
        }
    }
    // The lanes: name and a line.
    for (l, lane) in timeline.lanes.iter().enumerate() {
        let mid = lanes_top + l as f64 * LANE_H + LANE_H / 2.0;
        let class = if lane.harness { "mu lane" } else { "fg lane" };
        let _ = write!(
            svg,
            r#"<text class="{class}" data-lane="{l}" x="{MARGIN}" y="{:.1}">{}</text><line class="grid" x1="{:.1}" y1="{mid:.1}" x2="{:.1}" y2="{mid:.1}"/>"#,
            mid + 4.0,
            escape(&clip(&lane.name, 16)),
            layout.left - 6.0,
            layout.right
        );
    }
    // Blocked spans, under the steps.
    for span in &timeline.blocked {
        let Some(from) = layout.column_of(span.from) else { continue };
        let start = layout.x[from] + layout.w[from];
        let end = match span.until.and_then(|u| layout.column_of(u)) {
            Some(until) => layout.x[until],
            None => layout.right - GAP,
        };
        let width = (end - start).max(6.0);
        let top = lanes_top + span.lane as f64 * LANE_H + (LANE_H - 16.0) / 2.0;
        let mut says = format!("blocked in {}", span.on);
        if let Some(by) = &span.woken_by {
            let _ = write!(says, ", woken by {by}");
        }
        if span.timed_out {
            says.push_str(", timed out");
        }
        if span.until.is_none() {
            says.push_str(", to the end");
        }
        let _ = write!(
            svg,
            r#"<g class="blocked" data-lane="{}" data-from="{}"><title>{}</title><rect class="blk" x="{start:.1}" y="{top:.1}" width="{width:.1}" height="16" rx="3"/><rect x="{start:.1}" y="{top:.1}" width="{width:.1}" height="16" rx="3" fill="url(#tl-hatch)" opacity="0.5"/>"#,
            span.lane,
            span.from,
            escape(&says)
        );
        let fits = ((width - 8.0) / CHAR_W) as usize;
        if fits >= 6 {
            let _ = write!(
                svg,
                r#"<text class="fg" x="{:.1}" y="{:.1}">{}</text>"#,
                start + 4.0,
                top + 12.0,
                escape(&clip(&format!("waits: {}", span.on), fits))
            );
        }
        svg.push_str("</g>");
        if let (Some(to), Some(_)) = (&span.preempted_to, span.until) {
            // Switched away right after it resumed: the mark stands where the span ends.
            let lane_top = lanes_top + span.lane as f64 * LANE_H;
            switch_mark(&mut svg, end - GAP / 2.0, lane_top, to, &timeline.lanes[span.lane].name);
        }
    }
    // The steps.
    for (c, column) in layout.columns.iter().enumerate() {
        let Column::Step(s) = *column else { continue };
        let step = &timeline.steps[s];
        let (x, w) = (layout.x[c], layout.w[c]);
        let top = lanes_top + step.lane as f64 * LANE_H + (LANE_H - BOX_H) / 2.0;
        let class = match step.kind {
            StepKind::Op(_) => "op",
            StepKind::Print => "pr",
            StepKind::WrongPrint { .. } => "bad",
            StepKind::Start | StepKind::End => "se",
        };
        let mut tip = format!("step {}: {}", s + 1, step.label);
        for extra in [&step.object, &step.detail].into_iter().flatten() {
            let _ = write!(tip, " — {extra}");
        }
        if let StepKind::WrongPrint { why } = &step.kind {
            let _ = write!(tip, " — the first wrong token: {why}");
        }
        let _ = write!(
            svg,
            r#"<g class="step" data-step="{s}" data-lane="{}"><title>{}</title><rect class="{class}" x="{x:.1}" y="{top:.1}" width="{w:.1}" height="{BOX_H}" rx="5"/>"#,
            step.lane,
            escape(&tip)
        );
        let cx = x + w / 2.0;
        match second_line(step) {
            Some(second) => {
                let _ = write!(
                    svg,
                    r#"<text class="fg" x="{cx:.1}" y="{:.1}" text-anchor="middle">{}</text><text class="mu" x="{cx:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                    top + 13.0,
                    escape(&clip(&step.label, LABEL_CHARS)),
                    top + 26.0,
                    escape(&clip(&second, LABEL_CHARS))
                );
            }
            None => {
                let _ = write!(
                    svg,
                    r#"<text class="fg" x="{cx:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                    top + BOX_H / 2.0 + 4.0,
                    escape(&clip(&step.label, LABEL_CHARS))
                );
            }
        }
        svg.push_str("</g>");
        if let Some(to) = &step.preempted_to {
            let lane_top = lanes_top + step.lane as f64 * LANE_H;
            switch_mark(&mut svg, x + w + GAP / 2.0, lane_top, to, &timeline.lanes[step.lane].name);
        }
    }
    // Under the lanes: who waits on what, notes, the legend.
    for (i, (line, class)) in lines.iter().enumerate() {
        let _ = write!(
            svg,
            r#"<text class="{class}" x="{MARGIN}" y="{:.1}">{}</text>"#,
            lanes_bottom + 14.0 + i as f64 * LINE_H + 4.0,
            escape(&clip(line, text_chars))
        );
    }
    legend(&mut svg, legend_y);
    svg.push_str("</svg>\n");
    svg
}

/// A preemption: a dashed stroke across the lane at `edge` and an arrowhead.
fn switch_mark(svg: &mut String, edge: f64, lane_top: f64, to: &str, lane: &str) {
    let _ = write!(
        svg,
        r#"<g class="preempt"><title>preempted: the scheduler switched to {} here although {} could go on</title><line class="pre" x1="{edge:.1}" y1="{:.1}" x2="{edge:.1}" y2="{:.1}" stroke-width="2" stroke-dasharray="3 2"/><path class="pre" d="M{:.1},{:.1} l6,4 l-6,4 z"/></g>"#,
        escape(to),
        escape(lane),
        lane_top + 2.0,
        lane_top + LANE_H - 2.0,
        edge - 3.0,
        lane_top + 2.0
    );
}

fn legend(svg: &mut String, y: f64) {
    let mut x = MARGIN;
    for (class, label) in [
        ("op", "operation"),
        ("pr", "print"),
        ("bad", "first wrong token"),
        ("blk", "blocked"),
        ("se", "start/end"),
    ] {
        let _ = write!(
            svg,
            r#"<rect class="{class}" x="{x:.1}" y="{:.1}" width="14" height="12" rx="3"/><text class="mu" x="{:.1}" y="{:.1}">{label}</text>"#,
            y + 4.0,
            x + 18.0,
            y + 14.0
        );
        x += 18.0 + label.len() as f64 * CHAR_W + 14.0;
    }
    let _ = write!(
        svg,
        r#"<path class="pre" d="M{:.1},{:.1} l6,4 l-6,4 z"/><text class="mu" x="{:.1}" y="{:.1}">preempted (switched away)</text>"#,
        x + 2.0,
        y + 6.0,
        x + 14.0,
        y + 14.0
    );
}
