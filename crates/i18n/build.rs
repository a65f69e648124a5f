//! Lists the Fluent catalogues to embed: every `locales/<language>/<module>.ftl`, so a new
//! module's catalogue (written by `scripts/catalogue.py`) needs no edit to this crate. Writes
//! `$OUT_DIR/catalogues.rs`, included by `src/lib.rs`:
//!
//! ```text
//! const CATALOGUES: &[(&str, &[(&str, &str)])] = &[
//!     ("en", &[("audit", include_str!("/…/locales/en/audit.ftl")), …]),
//!     ("fr", &[…]),
//! ];
//! ```
//!
//! Languages and files are sorted by name; paths are absolute. The tests of `src/lib.rs` check
//! what this only lists: every file parses, no key is in two files, both languages match.
use std::error::Error;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// The entries of `dir` that `keep` accepts, sorted by path.
fn sorted(dir: &Path, keep: impl Fn(&Path) -> bool) -> Result<Vec<PathBuf>, Box<dyn Error>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if keep(&path) {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

fn name(path: &Path) -> Result<&str, Box<dyn Error>> {
    path.file_stem()
        .and_then(|s| s.to_str())
        .ok_or_else(|| format!("{} has no UTF-8 name", path.display()).into())
}

fn main() -> Result<(), Box<dyn Error>> {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let locales = manifest.join("../../locales").canonicalize()?;
    // A directory here is scanned whole: a catalogue added, removed or edited reruns this.
    println!("cargo:rerun-if-changed={}", locales.display());
    let mut out = String::from("const CATALOGUES: &[(&str, &[(&str, &str)])] = &[\n");
    for lang in sorted(&locales, |p| p.is_dir())? {
        println!("cargo:rerun-if-changed={}", lang.display());
        writeln!(out, "    ({:?}, &[", name(&lang)?)?;
        let ftl = |p: &Path| p.is_file() && p.extension().is_some_and(|e| e == "ftl");
        for file in sorted(&lang, ftl)? {
            println!("cargo:rerun-if-changed={}", file.display());
            let path = file
                .to_str()
                .ok_or_else(|| format!("{} is not a UTF-8 path", file.display()))?;
            writeln!(out, "        ({:?}, include_str!({path:?})),", name(&file)?)?;
        }
        out.push_str("    ]),\n");
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR")?).join("catalogues.rs");
    fs::write(dest, out)?;
    Ok(())
}
