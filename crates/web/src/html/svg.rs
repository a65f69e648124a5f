//! Small hand-written SVG charts: a sparkline of two series and a cumulative burn chart against
//! a budget line. Numbers in, markup out; styled by CSS classes.

/// Points of a polyline fitting `values` into a `w`×`h` box (the top is `max`).
fn points(values: &[i64], max: i64, w: f64, h: f64) -> String {
    let n = values.len().max(2) - 1;
    let max = max.max(1) as f64;
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let x = w * i as f64 / n as f64;
            let y = h - (h * (*v).max(0) as f64 / max);
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Two series on their own scales (hours and revenue), for a trend at a glance.
pub fn sparkline(a: &[i64], b: &[i64], label: &str) -> String {
    let (w, h) = (120.0, 28.0);
    let max_a = a.iter().copied().max().unwrap_or(0);
    let max_b = b.iter().copied().max().unwrap_or(0);
    format!(
        "<svg class=\"spark\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"{}\"><polyline class=\"s-a\" fill=\"none\" points=\"{}\"/><polyline class=\"s-b\" fill=\"none\" points=\"{}\"/></svg>",
        escape(label),
        points(a, max_a, w, h - 2.0),
        points(b, max_b, w, h - 2.0)
    )
}

/// Cumulative consumption month by month against a budget line (all in the same unit).
pub fn burn(cumulative: &[i64], budget: Option<i64>, label: &str) -> String {
    let (w, h) = (480.0, 140.0);
    let top = cumulative
        .iter()
        .copied()
        .chain(budget)
        .max()
        .unwrap_or(0)
        .max(1);
    let top = top + top / 10;
    let mut out = format!(
        "<svg class=\"burn\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\"><rect class=\"frame\" x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"none\"/>",
        escape(label)
    );
    if let Some(b) = budget {
        let y = h - h * b as f64 / top as f64;
        out.push_str(&format!(
            "<line class=\"budget\" x1=\"0\" y1=\"{y:.1}\" x2=\"{w}\" y2=\"{y:.1}\"/>"
        ));
    }
    out.push_str(&format!(
        "<polyline class=\"used\" fill=\"none\" points=\"{}\"/></svg>",
        points(cumulative, top, w, h)
    ));
    out
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
    // A round top: 1, 2 or 5 times a power of ten above the highest bar.
    let mut step = 1i64;
    while step * 10 < max {
        step *= 10;
    }
    let top_value = [step, step * 2, step * 5, step * 10]
        .into_iter()
        .find(|v| *v >= max)
        .unwrap_or(step * 10);
    let (w, h) = (left + plot_w + 8.0, top + plot_h + bottom);
    let y = |v: i64| top + plot_h - plot_h * v as f64 / top_value as f64;
    let mut out = format!(
        "<svg class=\"bars\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\">",
        escape(label)
    );
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
    fn charts_scale_into_their_box() {
        assert_eq!(
            points(&[0, 5, 10], 10, 100.0, 10.0),
            "0.0,10.0 50.0,5.0 100.0,0.0"
        );
        let s = sparkline(&[1, 2], &[2, 1], "a<b");
        assert!(s.contains("aria-label=\"a&lt;b\"") && s.matches("<polyline").count() == 2);
        let b = burn(&[10, 20], Some(40), "x");
        assert!(b.contains("class=\"budget\""));
    }
}
