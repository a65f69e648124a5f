//! Logo checks: real PNG and JPEG images pass; text, cut-off files, oversized files and
//! oversized images do not. `fixtures/logo.jpg` is a 50 × 71 baseline JPEG (page 1 of the
//! sample invoice, rendered by pdftoppm).
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod sample;

use mesure_pdf::{LogoError, LogoKind, MAX_LOGO_BYTES, check_logo, render};

const JPEG: &[u8] = include_bytes!("fixtures/logo.jpg");

#[test]
fn real_png_and_jpeg_logos_pass() {
    assert_eq!(check_logo(&sample::logo_png(240, 80)), Ok(LogoKind::Png));
    assert_eq!(check_logo(&sample::logo_png(2000, 1)), Ok(LogoKind::Png));
    assert_eq!(check_logo(JPEG), Ok(LogoKind::Jpeg));
    assert_eq!(LogoKind::Jpeg.mime(), "image/jpeg");

    // Both draw.
    for logo in [sample::logo_png(240, 80), JPEG.to_vec()] {
        let mut doc = sample::french(1, false);
        doc.logo = Some(logo);
        assert!(render(&doc).is_ok());
    }
}

#[test]
fn text_and_cut_off_files_are_not_images() {
    assert_eq!(check_logo(b"hello, world"), Err(LogoError::NotAnImage));
    assert_eq!(check_logo(b""), Err(LogoError::NotAnImage));
    assert_eq!(
        check_logo(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
        Err(LogoError::NotAnImage)
    );
    let png = sample::logo_png(240, 80);
    for cut in [8, 33, png.len() / 2, png.len() - 12] {
        assert_eq!(
            check_logo(&png[..cut]),
            Err(LogoError::NotAnImage),
            "PNG cut at {cut}"
        );
    }
    for cut in [3, 200, JPEG.len() / 2, JPEG.len() - 2] {
        assert_eq!(
            check_logo(&JPEG[..cut]),
            Err(LogoError::NotAnImage),
            "JPEG cut at {cut}"
        );
    }
    // A damaged pixel stream (bytes flipped inside the compressed data).
    let mut damaged = png.clone();
    let middle = damaged.len() / 2;
    for b in &mut damaged[middle..middle + 16] {
        *b ^= 0xA5;
    }
    assert_eq!(check_logo(&damaged), Err(LogoError::NotAnImage));
}

#[test]
fn oversized_files_and_images_are_refused() {
    let mut big = sample::logo_png(240, 80);
    big.resize(MAX_LOGO_BYTES + 1, 0);
    assert_eq!(check_logo(&big), Err(LogoError::TooBig));
    let mut big_text = vec![b'a'; MAX_LOGO_BYTES + 1];
    big_text[0] = b'<';
    assert_eq!(check_logo(&big_text), Err(LogoError::TooBig));
    assert_eq!(
        check_logo(&sample::logo_png(2001, 1)),
        Err(LogoError::TooLarge)
    );
    assert_eq!(
        check_logo(&sample::logo_png(1, 2001)),
        Err(LogoError::TooLarge)
    );
}
