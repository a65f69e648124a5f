//! Small hand-written SVG charts: a sparkline of two series and a cumulative burn chart against
//! a budget line. Numbers in, markup out; styled by CSS classes.

/// Polylines of a series with gaps: each run of months with data is its own line (a month
/// without data is a gap, not a zero); a lone month is a dot.
fn runs(values: &[Option<i64>], max: i64, w: f64, h: f64, class: &str) -> String {
    let n = values.len().max(2) - 1;
    let max = max.max(1) as f64;
    let at = |i: usize, v: i64| (w * i as f64 / n as f64, h - (h * v.max(0) as f64 / max));
    let mut out = String::new();
    let mut run: Vec<(f64, f64)> = Vec::new();
    let flush = |run: &mut Vec<(f64, f64)>, out: &mut String| {
        match run.as_slice() {
            [] => {}
            [(x, y)] => out.push_str(&format!(
                "<circle class=\"{class}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"1.8\"/>"
            )),
            pts => out.push_str(&format!(
                "<polyline class=\"{class}\" fill=\"none\" points=\"{}\"/>",
                pts.iter()
                    .map(|(x, y)| format!("{x:.1},{y:.1}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            )),
        }
        run.clear();
    };
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => run.push(at(i, *v)),
            None => flush(&mut run, &mut out),
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Two series on their own scales (hours and revenue), for a trend at a glance; months without
/// data are gaps.
pub fn sparkline(a: &[Option<i64>], b: &[Option<i64>], label: &str) -> String {
    let (w, h) = (120.0, 28.0);
    let max_a = a.iter().flatten().copied().max().unwrap_or(0);
    let max_b = b.iter().flatten().copied().max().unwrap_or(0);
    format!(
        "<svg class=\"spark\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"{}\">{}{}</svg>",
        escape(label),
        runs(a, max_a, w, h - 2.0, "s-a"),
        runs(b, max_b, w, h - 2.0, "s-b")
    )
}

/// One month of a burn chart: its axis label, the cumulative consumption at its end, and its
/// hover text when work was logged that month (`None`: nothing logged, no marker).
pub struct BurnPoint {
    pub label: String,
    pub cumulative: i64,
    pub title: Option<String>,
}

/// Cumulative consumption month by month against a labelled budget line, with a value axis
/// (`ticks`), month labels, a legend and each month's figures on hover.
pub fn burn(
    months: &[BurnPoint],
    budget: Option<(i64, String)>,
    unit: i64,
    ticks: &dyn Fn(i64) -> String,
    legend: &str,
    label: &str,
) -> String {
    let (left, top, plot_w, plot_h, bottom) = (56.0, 24.0, 600.0, 150.0, 28.0);
    let (w, h) = (left + plot_w + 12.0, top + plot_h + bottom);
    let highest = months
        .iter()
        .map(|m| m.cumulative)
        .chain(budget.as_ref().map(|b| b.0))
        .max()
        .unwrap_or(0)
        .max(1);
    let top_value = nice_top(highest + highest / 20, unit);
    let y = |v: i64| top + plot_h - plot_h * v.max(0) as f64 / top_value as f64;
    let n = months.len().max(2) - 1;
    let x = |i: usize| left + plot_w * i as f64 / n as f64;
    let mut out = format!(
        "<svg class=\"burn\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\">",
        escape(label)
    );
    out.push_str(&value_axis(top_value, left, plot_w, &y, ticks));
    if let Some((b, text)) = &budget {
        let yy = y(*b);
        out.push_str(&format!(
            "<line class=\"budget\" x1=\"{left}\" y1=\"{yy:.1}\" x2=\"{:.1}\" y2=\"{yy:.1}\"/><text class=\"budget-label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            left + plot_w,
            left + plot_w,
            yy - 4.0,
            escape(text)
        ));
    }
    let pts: Vec<String> = months
        .iter()
        .enumerate()
        .map(|(i, m)| format!("{:.1},{:.1}", x(i), y(m.cumulative)))
        .collect();
    out.push_str(&format!(
        "<polyline class=\"used\" fill=\"none\" points=\"{}\"/>",
        pts.join(" ")
    ));
    let every = (months.len() / 12).max(1);
    for (i, m) in months.iter().enumerate() {
        if let Some(t) = &m.title {
            out.push_str(&format!(
                "<circle class=\"point\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\"><title>{}</title></circle>",
                x(i),
                y(m.cumulative),
                escape(t)
            ));
        }
        if i % every == 0 {
            out.push_str(&format!(
                "<text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                x(i),
                top + plot_h + 16.0,
                escape(&m.label)
            ));
        }
    }
    out.push_str(&format!(
        "<line class=\"used\" x1=\"{left}\" y1=\"10\" x2=\"{:.1}\" y2=\"10\"/><text class=\"legend\" x=\"{:.1}\" y=\"14\">{}</text></svg>",
        left + 18.0,
        left + 24.0,
        escape(legend)
    ));
    out
}

/// Five horizontal grid lines from 0 to `top_value`, each labelled with `ticks` on the left.
fn value_axis(
    top_value: i64,
    left: f64,
    plot_w: f64,
    y: &dyn Fn(i64) -> f64,
    ticks: &dyn Fn(i64) -> String,
) -> String {
    let mut out = String::new();
    for i in 0..=4 {
        let v = top_value * i / 4;
        let yy = y(v);
        out.push_str(&format!(
            "<line class=\"grid\" x1=\"{left}\" y1=\"{yy:.1}\" x2=\"{:.1}\" y2=\"{yy:.1}\"/><text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            left + plot_w,
            left - 6.0,
            yy + 4.0,
            escape(&ticks(v))
        ));
    }
    out
}

/// A round top for a value axis of four steps: whole `unit`s (hours for minutes) per step, the
/// step 1, 2 or 5 times a power of ten, the top at or above `max`.
fn nice_top(max: i64, unit: i64) -> i64 {
    let unit = unit.max(1);
    let in_units = ((max.max(1) + unit - 1) / unit).max(1);
    let mut step = 1i64;
    while step * 40 < in_units {
        step *= 10;
    }
    let step = [step, step * 2, step * 5, step * 10]
        .into_iter()
        .find(|s| s * 4 >= in_units)
        .unwrap_or(step * 10);
    step * 4 * unit
}

/// One bar of a stacked bar chart: its axis label, its hover text, and its two stacked values
/// (`None` draws nothing: a period without data is a gap, not a zero).
pub struct Bar {
    pub label: String,
    pub title: String,
    pub values: Option<(i64, i64)>,
}

/// Stacked bars (first value at the bottom) with a value axis (`ticks` formats a value), labels
/// under the bars, a legend naming both series, and each bar's figures on hover (`<title>`).
pub fn stacked_bars(
    bars: &[Bar],
    legend: (&str, &str),
    unit: i64,
    ticks: &dyn Fn(i64) -> String,
    label: &str,
) -> String {
    let (left, top, plot_w, plot_h, bottom) = (56.0, 24.0, 640.0, 180.0, 40.0);
    let max = bars
        .iter()
        .filter_map(|b| b.values.map(|(a, c)| a + c))
        .max()
        .unwrap_or(0)
        .max(1);
    let top_value = nice_top(max, unit);
    let (w, h) = (left + plot_w + 8.0, top + plot_h + bottom);
    let y = |v: i64| top + plot_h - plot_h * v as f64 / top_value as f64;
    let mut out = format!(
        "<svg class=\"bars\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\">",
        escape(label)
    );
    out.push_str(&value_axis(top_value, left, plot_w, &y, ticks));
    let n = bars.len().max(1) as f64;
    let slot = plot_w / n;
    let bw = (slot * 0.7).max(2.0);
    let every = (bars.len() / 12).max(1);
    for (i, b) in bars.iter().enumerate() {
        let x = left + slot * i as f64 + (slot - bw) / 2.0;
        if let Some((a, c)) = b.values {
            let (ya, yc) = (y(a), y(a + c));
            out.push_str(&format!(
                "<g><title>{}</title><rect class=\"s1\" x=\"{x:.1}\" y=\"{ya:.1}\" width=\"{bw:.1}\" height=\"{:.1}\"/><rect class=\"s2\" x=\"{x:.1}\" y=\"{yc:.1}\" width=\"{bw:.1}\" height=\"{:.1}\"/></g>",
                escape(&b.title),
                (top + plot_h - ya).max(0.0),
                (ya - yc).max(0.0)
            ));
        }
        if i % every == 0 {
            out.push_str(&format!(
                "<text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                x + bw / 2.0,
                top + plot_h + 16.0,
                escape(&b.label)
            ));
        }
    }
    out.push_str(&format!(
        "<rect class=\"s1\" x=\"{left}\" y=\"4\" width=\"10\" height=\"10\"/><text class=\"legend\" x=\"{:.1}\" y=\"13\">{}</text><rect class=\"s2\" x=\"{:.1}\" y=\"4\" width=\"10\" height=\"10\"/><text class=\"legend\" x=\"{:.1}\" y=\"13\">{}</text></svg>",
        left + 14.0,
        escape(legend.0),
        left + 200.0,
        left + 214.0,
        escape(legend.1)
    ));
    out
}

/// One bar of a chart of several stacked series: its axis label, its hover text and one value
/// per series (bottom first).
pub struct StackedBar {
    pub label: String,
    pub title: String,
    pub values: Vec<i64>,
}

/// Bars stacking up to five series (classes `k0`…`k4`) with a value axis, labels under the bars,
/// a legend naming each series, and each bar's figures on hover (`<title>`).
pub fn stacked_series(bars: &[StackedBar], legend: &[String], label: &str) -> String {
    let (left, top, plot_w, plot_h, bottom) = (56.0, 40.0, 640.0, 180.0, 40.0);
    let max = bars
        .iter()
        .map(|b| b.values.iter().sum::<i64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let top_value = nice_top(max, 1);
    let (w, h) = (left + plot_w + 8.0, top + plot_h + bottom);
    let y = |v: i64| top + plot_h - plot_h * v as f64 / top_value as f64;
    let mut out = format!(
        "<svg class=\"bars\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\">",
        escape(label)
    );
    out.push_str(&value_axis(top_value, left, plot_w, &y, &|v| v.to_string()));
    let n = bars.len().max(1) as f64;
    let slot = plot_w / n;
    let bw = (slot * 0.7).max(2.0);
    for (i, b) in bars.iter().enumerate() {
        let x = left + slot * i as f64 + (slot - bw) / 2.0;
        out.push_str(&format!("<g><title>{}</title>", escape(&b.title)));
        let mut base = 0;
        for (k, v) in b.values.iter().enumerate().take(5) {
            let (y0, y1) = (y(base), y(base + v));
            out.push_str(&format!(
                "<rect class=\"k{k}\" x=\"{x:.1}\" y=\"{y1:.1}\" width=\"{bw:.1}\" height=\"{:.1}\"/>",
                (y0 - y1).max(0.0)
            ));
            base += v;
        }
        out.push_str("</g>");
        out.push_str(&format!(
            "<text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            x + bw / 2.0,
            top + plot_h + 16.0,
            escape(&b.label)
        ));
    }
    let step = plot_w / legend.len().max(1) as f64;
    for (k, name) in legend.iter().enumerate().take(5) {
        let x = left + step * k as f64;
        out.push_str(&format!(
            "<rect class=\"k{k}\" x=\"{x:.1}\" y=\"6\" width=\"10\" height=\"10\"/><text class=\"legend\" x=\"{:.1}\" y=\"15\">{}</text>",
            x + 14.0,
            escape(name)
        ));
    }
    out.push_str("</svg>");
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stacked_series_draw_each_value_and_the_legend() {
        let bars = [
            StackedBar {
                label: "S1".into(),
                title: "a: 1, b: 2".into(),
                values: vec![1, 2],
            },
            StackedBar {
                label: "S2".into(),
                title: "a: 0, b: 3".into(),
                values: vec![0, 3],
            },
        ];
        let s = stacked_series(&bars, &["a<".into(), "b".into()], "vol");
        assert_eq!(
            s.matches("<rect class=\"k0\"").count(),
            3,
            "two bars and the legend"
        );
        assert!(s.contains("a&lt;") && s.contains("<title>a: 1, b: 2</title>"));
    }

    #[test]
    fn charts_scale_into_their_box() {
        let s = sparkline(&[Some(1), Some(2)], &[Some(2), Some(1)], "a<b");
        assert!(s.contains("aria-label=\"a&lt;b\"") && s.matches("<polyline").count() == 2);
        // A month without data splits the line: two runs, the lone month a dot.
        let s = sparkline(&[Some(1), Some(2), None, Some(3)], &[None; 4], "x");
        assert_eq!(s.matches("<polyline").count(), 1);
        assert_eq!(s.matches("<circle").count(), 1);
        let pts = [
            BurnPoint {
                label: "01/2026".into(),
                cumulative: 10,
                title: Some("10".into()),
            },
            BurnPoint {
                label: "02/2026".into(),
                cumulative: 10,
                title: None,
            },
            BurnPoint {
                label: "03/2026".into(),
                cumulative: 20,
                title: Some("20".into()),
            },
        ];
        let b = burn(
            &pts,
            Some((40, "Budget 40".into())),
            1,
            &|v| v.to_string(),
            "used",
            "x",
        );
        assert!(b.contains("class=\"budget\"") && b.contains(">Budget 40</text>"));
        assert_eq!(
            b.matches("<title>").count(),
            2,
            "hover only on months with work"
        );
        assert!(b.contains(">02/2026</text>"), "every month on the axis");
        // Bars: grid lines on whole hours (2,000 min → a 40-hour top, a line every 10 hours).
        let bars = [
            Bar {
                label: "a".into(),
                title: "A".into(),
                values: Some((1500, 500)),
            },
            Bar {
                label: "b".into(),
                title: "B".into(),
                values: None,
            },
        ];
        let c = stacked_bars(&bars, ("x", "y"), 60, &|m| (m / 60).to_string(), "l");
        for tick in [
            ">0</text>",
            ">10</text>",
            ">20</text>",
            ">30</text>",
            ">40</text>",
        ] {
            assert!(c.contains(tick), "{tick} in {c}");
        }
        assert_eq!(c.matches("<title>").count(), 1, "no bar for a gap");
        assert_eq!(nice_top(2000, 60), 2400, "33:20 → a 40-hour top");
        assert_eq!(nice_top(101, 60), 240, "1:41 → 4 hours in steps of one");
        assert_eq!(nice_top(9_000, 60), 12_000, "150 h → 200 h in steps of 50");
    }
}
