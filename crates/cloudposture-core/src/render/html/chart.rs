//! Small bar charts, drawn as inline SVG by the writer: no charting service, no
//! script. Colours come from the page's style sheet (classes named after statuses);
//! every chart also says its numbers in words (`<title>`, `aria-label`), since colour
//! alone tells nothing to a reader who cannot tell colours apart or prints in grey.

use std::fmt::Write as _;

use crate::finding::Status;
use crate::report::StatusCounts;

/// The statuses in the order charts and tables show them, with their counts in `n`.
pub(super) fn by_status(n: &StatusCounts) -> [(Status, u64); 5] {
    [
        (Status::Fail, n.fail),
        (Status::Error, n.error),
        (Status::Pass, n.pass),
        (Status::Skipped, n.skipped),
        (Status::Muted, n.muted),
    ]
}

/// `n` as words: `3 fail, 1 error, 5 pass` (statuses with none left out).
pub(super) fn in_words(n: &StatusCounts) -> String {
    let parts: Vec<String> = by_status(n)
        .into_iter()
        .filter(|(_, count)| *count > 0)
        .map(|(status, count)| format!("{count} {status}"))
        .collect();
    if parts.is_empty() {
        "no findings".to_string()
    } else {
        parts.join(", ")
    }
}

/// One horizontal bar per status, its length in proportion to the largest count, the
/// status and the count written beside it.
pub(super) fn status_bars(n: &StatusCounts) -> String {
    const ROW: u32 = 22;
    const LABEL: u32 = 70;
    const BAR: u32 = 260;
    let rows = by_status(n);
    let max = rows.iter().map(|(_, c)| *c).max().unwrap_or(0).max(1);
    let height = ROW * rows.len() as u32;
    let words = in_words(n);
    let mut svg = format!(
        r#"<svg class="chart" role="img" aria-label="Findings by status: {words}" width="{w}" height="{height}" viewBox="0 0 {w} {height}"><title>Findings by status: {words}</title>"#,
        w = LABEL + BAR + 60
    );
    for (i, (status, count)) in rows.into_iter().enumerate() {
        let y = i as u32 * ROW;
        let width = (count as f64 / max as f64 * BAR as f64).round() as u64;
        let _ = write!(
            svg,
            r#"<text x="0" y="{ty}" class="label">{status}</text><rect class="{status}" x="{LABEL}" y="{ry}" width="{width}" height="{h}"/><text x="{tx}" y="{ty}" class="label">{count}</text>"#,
            ty = y + 15,
            ry = y + 3,
            h = ROW - 6,
            tx = LABEL as u64 + width + 6,
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A stacked bar of `width` pixels: each status's share of `n`, in order (fail, error,
/// pass, skipped, muted). An empty bar when `n` has no findings.
pub(super) fn proportion_bar(n: &StatusCounts, width: u32) -> String {
    const HEIGHT: u32 = 12;
    let rows = by_status(n);
    let total: u64 = rows.iter().map(|(_, c)| c).sum();
    let words = in_words(n);
    let mut svg = format!(
        r#"<svg class="bar" role="img" aria-label="{words}" width="{width}" height="{HEIGHT}" viewBox="0 0 {width} {HEIGHT}"><title>{words}</title><rect class="track" width="{width}" height="{HEIGHT}"/>"#
    );
    if total > 0 {
        // Each segment starts where the rounded sum of the ones before it ends, so the
        // segments fill the bar exactly.
        let mut before = 0u64;
        for (status, count) in rows.into_iter().filter(|(_, c)| *c > 0) {
            let x = (before as f64 / total as f64 * width as f64).round() as u64;
            before += count;
            let end = (before as f64 / total as f64 * width as f64).round() as u64;
            let _ = write!(
                svg,
                r#"<rect class="{status}" x="{x}" width="{w}" height="{HEIGHT}"/>"#,
                w = end - x
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(pass: u64, fail: u64, error: u64) -> StatusCounts {
        StatusCounts {
            pass,
            fail,
            error,
            ..StatusCounts::default()
        }
    }

    #[test]
    fn status_bars_are_in_proportion_and_say_their_numbers() {
        let svg = status_bars(&counts(5, 10, 1));
        assert!(
            svg.contains(r#"<rect class="fail" x="70" y="3" width="260""#),
            "{svg}"
        );
        assert!(
            svg.contains(r#"<rect class="pass" x="70" y="47" width="130""#),
            "{svg}"
        );
        assert!(
            svg.contains(r#"<rect class="skipped" x="70" y="69" width="0""#),
            "{svg}"
        );
        assert!(
            svg.contains("<title>Findings by status: 10 fail, 1 error, 5 pass</title>"),
            "{svg}"
        );
        assert!(svg.contains(r#"class="label">10</text>"#), "{svg}");
    }

    #[test]
    fn proportion_bars_fill_their_width_exactly() {
        let svg = proportion_bar(&counts(1, 1, 1), 100);
        let widths: u64 = svg
            .split(r#"<rect class=""#)
            .skip(1)
            .filter(|r| !r.starts_with("track"))
            .map(|r| {
                let w = r.split(r#"width=""#).nth(1).unwrap();
                w[..w.find('"').unwrap()].parse::<u64>().unwrap()
            })
            .sum();
        assert_eq!(widths, 100, "{svg}");
        let empty = proportion_bar(&StatusCounts::default(), 100);
        assert!(empty.contains("<title>no findings</title>") && !empty.contains(r#"class="pass""#));
    }
}
