//! Rendered documents read back with poppler-utils (pdftotext, pdftohtml, pdfinfo, pdfdetach):
//! the text is extractable with its exact characters, the Factur-X XML comes back byte for
//! byte, the XMP carries the PDF/A and Factur-X properties, long documents break into pages
//! that repeat the table header. Without poppler-utils these tests fail and say so.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod sample;

use std::path::{Path, PathBuf};
use std::process::Command;

use mesure_pdf::{Document, Error, LogoError, render};

/// A file in a fresh temporary directory for this test.
fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mesure-pdf-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Runs a poppler-utils tool and returns its standard output; fails the test clearly if the
/// tool is missing or fails.
fn poppler(tool: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(tool)
        .args(args)
        .arg(pdf)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run `{tool}` ({e}): install poppler-utils (apt-get install poppler-utils)"
            )
        });
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// pdftotext's output (to standard output).
fn pdftotext(args: &[&str], pdf: &Path) -> String {
    let mut args = args.to_vec();
    args.extend(["-enc", "UTF-8"]);
    let out = Command::new("pdftotext")
        .args(&args)
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run `pdftotext` ({e}): install poppler-utils (apt-get install poppler-utils)")
        });
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn write(doc: &Document, name: &str) -> (Vec<u8>, PathBuf) {
    let pdf = render(doc).unwrap();
    let path = temp(name);
    std::fs::write(&path, &pdf).unwrap();
    (pdf, path)
}

fn pages(path: &Path) -> usize {
    let info = poppler("pdfinfo", &[], path);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn a_french_invoice_reads_back_with_its_exact_text() {
    let doc = sample::french(30, true);
    let (pdf, path) = write(&doc, "french.pdf");
    assert!(pdf.starts_with(b"%PDF-1.7"));

    // pdftotext shows every part; it prints Unicode spaces as plain spaces.
    let text = pdftotext(&[], &path);
    let flat = text
        .replace(['\u{a0}', '\u{202f}'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for expected in [
        "Facture F2026-0001",
        "Atelier Numérique Dupré SAS",
        "FACTURÉ À",
        "Boulangerie Dupain & Fils",
        "4 place de l’Église",
        "Date d’émission",
        "Échéance",
        "Prix unitaire HT",
        "Travail offert : correction du module d’export",
        "14 saisies, 3–28 nov. 2026",
        "Total HT",
        "Total TTC",
        "Règlement par virement à 30 jours",
        "pénalités au taux de trois fois le taux d’intérêt légal",
        "Code de commerce",
        "Page 1 / 2",
        "Page 2 / 2",
    ] {
        assert!(
            flat.contains(expected),
            "pdftotext lacks {expected:?}:\n{text}"
        );
    }
    // The long description wraps, every word kept in order.
    assert!(flat.contains(sample::LONG), "{flat}");
    assert!(flat.contains(&sample::grand_total(30).replace(['\u{a0}', '\u{202f}'], " ")));

    // pdftohtml -xml keeps the exact characters: no-break and narrow no-break spaces, "€".
    let xml = poppler("pdftohtml", &["-xml", "-stdout", "-i", "-q"], &path);
    let total = sample::grand_total(30);
    assert!(total.contains('\u{202f}') && total.contains('\u{a0}'));
    assert!(xml.contains(&total), "{total:?} not in:\n{xml}");
    assert!(xml.contains("120,00\u{a0}€"));
    assert!(xml.contains("20\u{a0}%"));
    assert!(xml.contains("10\u{a0}000\u{a0}€"));
}

#[test]
fn pdfinfo_reads_the_metadata_and_the_xmp_is_pdfa_3b_and_factur_x() {
    let (_, path) = write(&sample::french(5, false), "info.pdf");
    let info = poppler("pdfinfo", &[], &path);
    for expected in [
        "Title:           Facture F2026-0001",
        "Author:          Atelier Numérique Dupré SAS",
        "Metadata Stream: yes",
        "Pages:           1",
        "Page size:       595.276 x 841.89 pts (A4)",
        "PDF version:     1.7",
        "CreationDate:    Sat Nov 28 09:30:00 2026 UTC",
    ] {
        assert!(
            info.contains(expected),
            "pdfinfo lacks {expected:?}:\n{info}"
        );
    }
    let xmp = poppler("pdfinfo", &["-meta"], &path);
    for expected in [
        "<pdfaid:part>3</pdfaid:part>",
        "<pdfaid:conformance>B</pdfaid:conformance>",
        "<rdf:li>fr</rdf:li>",
        r#"xmlns:fx="urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#""#,
        "<fx:DocumentType>INVOICE</fx:DocumentType>",
        "<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>",
        "<fx:Version>1.0</fx:Version>",
        "<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>",
        "<pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>",
        "<pdfaSchema:namespaceURI>urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#</pdfaSchema:namespaceURI>",
        "<pdfaSchema:prefix>fx</pdfaSchema:prefix>",
        "<pdfaProperty:name>ConformanceLevel</pdfaProperty:name>",
    ] {
        assert!(xmp.contains(expected), "XMP lacks {expected:?}:\n{xmp}");
    }
    assert_eq!(xmp.matches("<pdfaExtension:schemas>").count(), 1);

    // The packet is well-formed XML whose RDF has the fx properties in the right namespace.
    let check = r#"
import sys, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.buffer.read().split(b'?>', 1)[1].rsplit(b'<?xpacket', 1)[0])
fx = '{urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#}'
found = {e.tag[len(fx):]: e.text for e in root.iter() if e.tag.startswith(fx)}
assert found == {'DocumentType': 'INVOICE', 'DocumentFileName': 'factur-x.xml', 'Version': '1.0', 'ConformanceLevel': 'EN 16931'}, found
print('ok')
"#;
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(check)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 (to parse the XMP)");
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), xmp.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success() && out.stdout.starts_with(b"ok"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_factur_x_xml_is_attached_and_comes_back_byte_for_byte() {
    let (pdf, path) = write(&sample::french(3, true), "attached.pdf");
    let list = poppler("pdfdetach", &["-list"], &path);
    assert!(list.contains("1 embedded files"), "{list}");
    assert!(list.contains("1: factur-x.xml"), "{list}");
    let out = temp("factur-x.xml");
    poppler(
        "pdfdetach",
        &["-save", "1", "-o", out.to_str().unwrap()],
        &path,
    );
    assert_eq!(std::fs::read(&out).unwrap(), sample::XML.as_bytes());

    // The file specification is PDF/A-3's associated file, listed in the catalog's /AF.
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let catalog = doc.catalog().unwrap();
    let af = catalog.get(b"AF").unwrap().as_array().unwrap();
    assert_eq!(af.len(), 1);
    let (_, spec) = doc.dereference(&af[0]).unwrap();
    let spec = spec.as_dict().unwrap();
    assert_eq!(
        spec.get(b"AFRelationship").unwrap().as_name().unwrap(),
        b"Data"
    );
    assert_eq!(spec.get(b"UF").unwrap().as_str().unwrap(), b"factur-x.xml");
    let ef = spec.get(b"EF").unwrap().as_dict().unwrap();
    let (_, file) = doc.dereference(ef.get(b"F").unwrap()).unwrap();
    let file = file.as_stream().unwrap();
    assert_eq!(
        file.dict.get(b"Subtype").unwrap().as_name().unwrap(),
        b"text/xml"
    );
    let params = file.dict.get(b"Params").unwrap().as_dict().unwrap();
    assert!(params.get(b"ModDate").is_ok());
    assert_eq!(
        params.get(b"Size").unwrap().as_i64().unwrap(),
        sample::XML.len() as i64
    );
}

/// The `factur-x` Python package (its PDF reader) finds the XML too, when scripts/test.sh
/// provides it through `MESURE_TEST_PYTHON`.
#[test]
fn the_factur_x_package_extracts_the_xml() {
    let Ok(python) = std::env::var("MESURE_TEST_PYTHON") else {
        eprintln!("MESURE_TEST_PYTHON unset: run through scripts/test.sh");
        return;
    };
    let (_, path) = write(&sample::french(3, false), "package.pdf");
    let out = Command::new(python)
        .arg("-c")
        .arg("import sys, facturx; name, xml = facturx.get_facturx_xml_from_pdf(open(sys.argv[1], 'rb').read(), check_xsd=False); sys.stdout.buffer.write(name.encode() + b'\\n' + xml)")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected = [b"factur-x.xml\n".as_slice(), sample::XML.as_bytes()].concat();
    assert_eq!(out.stdout, expected);
}

#[test]
fn a_long_document_breaks_into_pages_that_repeat_the_table_header() {
    let (_, path) = write(&sample::french(2000, true), "long.pdf");
    let count = pages(&path);
    assert!(count > 30, "{count} pages");
    let mut totals_on = Vec::new();
    for page in 1..=count {
        let n = page.to_string();
        let text = pdftotext(&["-f", &n, "-l", &n], &path);
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains(&format!("Page {page} / {count}")),
            "page {page}: {flat}"
        );
        assert!(flat.contains("Facture F2026-0001"), "page {page}");
        let last = page == count;
        // The table header is on every page holding rows; the totals and mentions come last.
        if flat.contains("saisies") {
            assert!(
                flat.contains("Prix unitaire HT") && flat.contains("Montant HT"),
                "page {page}"
            );
        }
        if flat.contains("Total TTC") {
            totals_on.push(page);
        }
        if last {
            assert!(flat.contains("Code de commerce"), "last page: {flat}");
        } else {
            assert!(!flat.contains("Code de commerce"), "page {page}");
        }
    }
    // The totals once, on the last page or the one before (the mentions then get the last).
    assert_eq!(totals_on.len(), 1, "{totals_on:?}");
    assert!(totals_on[0] + 1 >= count, "{totals_on:?} of {count}");
    let first = pdftotext(&["-f", "1", "-l", "1"], &path);
    assert!(first.contains("FACTURÉ À"));
    // On page 2 the header row is the top of the page.
    let second = pdftotext(&["-f", "2", "-l", "2", "-layout"], &path);
    assert!(!second.contains("FACTURÉ À"));
    let top: Vec<&str> = second
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(2)
        .collect();
    let top = top.join(" ");
    for heading in [
        "Description",
        "Quantité",
        "Prix unitaire",
        "HT",
        "TVA",
        "Montant HT",
    ] {
        assert!(
            top.contains(heading),
            "{heading:?} not at the top of page 2: {second}"
        );
    }
}

#[test]
fn a_row_taller_than_a_page_is_split_and_nothing_is_lost() {
    let mut doc = sample::french(2, false);
    doc.lines[0].description = (1..=400)
        .map(|i| format!("mot{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    doc.lines[0].detail = None;
    doc.notes = vec![String::from("Une note.")];
    let (_, path) = write(&doc, "tall.pdf");
    assert!(pages(&path) >= 2);
    let text = pdftotext(&[], &path);
    let words: Vec<&str> = text
        .split_whitespace()
        .filter(|w| w.starts_with("mot"))
        .collect();
    let expected: Vec<String> = (1..=400).map(|i| format!("mot{i}")).collect();
    assert_eq!(words, expected);
}

#[test]
fn an_english_credit_note_without_logo_notes_or_lines_renders() {
    let mut doc = sample::french(0, false);
    doc.lang = "en".into();
    doc.title = "Credit note AV2026-0001".into();
    doc.buyer_heading = "Bill to".into();
    doc.notes.clear();
    doc.mentions.clear();
    doc.totals = vec![("Total incl. VAT".into(), "−120.00 €".into())];
    doc.page_label = "{page} of {pages}".into();
    let (_, path) = write(&doc, "credit.pdf");
    let text = pdftotext(&[], &path);
    assert!(text.contains("Credit note AV2026-0001"));
    assert!(text.contains("BILL TO"));
    assert!(text.contains("−120.00 €"));
    assert!(text.contains("1 of 1"));
    let xmp = poppler("pdfinfo", &["-meta"], &path);
    assert!(xmp.contains("<rdf:li>en</rdf:li>"));
}

#[test]
fn rendering_is_deterministic_and_checks_its_input() {
    let doc = sample::french(4, true);
    assert_eq!(render(&doc).unwrap(), render(&doc).unwrap());

    let mut empty = doc.clone();
    empty.facturx_xml.clear();
    assert!(matches!(render(&empty), Err(Error::NoFacturX)));
    let mut no_lang = doc.clone();
    no_lang.lang = " ".into();
    assert!(matches!(render(&no_lang), Err(Error::NoLanguage)));
    let mut bad_logo = doc;
    bad_logo.logo = Some(b"not an image".to_vec());
    assert!(matches!(
        render(&bad_logo),
        Err(Error::Logo(LogoError::NotAnImage))
    ));
}

/// Prints render times; run with
/// `cargo test -p mesure-pdf --release --test render -- --ignored --nocapture`.
#[test]
#[ignore]
fn timing() {
    for (lines, runs) in [(30, 21), (2000, 5)] {
        let doc = sample::french(lines, true);
        let mut times: Vec<f64> = (0..runs)
            .map(|_| {
                let t = std::time::Instant::now();
                let pdf = render(&doc).unwrap();
                assert!(!pdf.is_empty());
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        times.sort_by(f64::total_cmp);
        println!(
            "{lines} lines: median {:.1} ms, min {:.1} ms ({runs} runs)",
            times[runs / 2],
            times[0]
        );
    }
}
