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
