//! Renders the French sample invoice and prints how long rendering takes.
//!
//! `cargo run --release -p mesure-pdf --example sample -- [LINES] [OUT.pdf]` (30 lines and
//! `sample.pdf` by default). The time is the median of several renders.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/sample/mod.rs"]
mod sample;

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let lines: usize = args
        .next()
        .map_or(30, |a| a.parse().expect("LINES is a number"));
    let out = args.next().unwrap_or_else(|| "sample.pdf".to_owned());
    let doc = sample::french(lines, true);
    let runs = if lines > 500 { 5 } else { 21 };
    let mut times = Vec::with_capacity(runs);
    let mut pdf = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        pdf = mesure_pdf::render(&doc).expect("render");
        times.push(t.elapsed());
    }
    times.sort();
    std::fs::write(&out, &pdf).expect("write the PDF");
    let ms = |i: usize| times.get(i).map_or(0.0, |t| t.as_secs_f64() * 1000.0);
    println!(
        "{lines} lines: {} bytes, median {:.1} ms, min {:.1} ms over {runs} renders -> {out}",
        pdf.len(),
        ms(runs / 2),
        ms(0),
    );
}
