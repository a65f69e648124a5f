//! Checking an uploaded logo: a PNG or a JPEG that really decodes, small enough to embed.

use std::io::Cursor;

/// The largest logo file accepted, in bytes (512 KiB).
pub const MAX_LOGO_BYTES: usize = 512 * 1024;
/// The largest width and height of a logo accepted, in pixels.
pub const MAX_LOGO_SIDE: u32 = 2000;

/// What kind of image a logo is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoKind {
    /// A PNG image.
    Png,
    /// A JPEG image.
    Jpeg,
}

impl LogoKind {
    /// The image's media type.
    pub fn mime(self) -> &'static str {
        match self {
            LogoKind::Png => "image/png",
            LogoKind::Jpeg => "image/jpeg",
        }
    }
}

/// Why a logo is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LogoError {
    /// The file is larger than [`MAX_LOGO_BYTES`].
    #[error("the logo file is larger than 512 KiB")]
    TooBig,
    /// The bytes are not a PNG or JPEG image that decodes completely (truncated or damaged
    /// files, other formats, and CMYK JPEGs, which PDF/A cannot carry without a print profile).
    #[error("the logo is not a PNG or JPEG image")]
    NotAnImage,
    /// The image is wider or higher than [`MAX_LOGO_SIDE`] pixels.
    #[error("the logo is larger than 2000 × 2000 pixels")]
    TooLarge,
}

/// Checks that `bytes` are a PNG or JPEG logo this crate can draw: at most 512 KiB, at most
/// 2000 × 2000 pixels, and decoding completely (the header, the dimensions and every pixel).
pub fn check_logo(bytes: &[u8]) -> Result<LogoKind, LogoError> {
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(LogoError::TooBig);
    }
    let kind = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        check_png(bytes)?;
        LogoKind::Png
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        check_jpeg(bytes)?;
        LogoKind::Jpeg
    } else {
        return Err(LogoError::NotAnImage);
    };
    // What krilla will read when drawing it (colour type, bit depth, colour space).
    let data = krilla::Data::from(bytes.to_vec());
    let read = match kind {
        LogoKind::Png => krilla::image::Image::from_png(data, false),
        LogoKind::Jpeg => krilla::image::Image::from_jpeg(data, false),
    };
    read.map(|_| kind).map_err(|_| LogoError::NotAnImage)
}

fn check_side(width: u64, height: u64) -> Result<(), LogoError> {
    if width == 0 || height == 0 {
        Err(LogoError::NotAnImage)
    } else if width > u64::from(MAX_LOGO_SIDE) || height > u64::from(MAX_LOGO_SIDE) {
        Err(LogoError::TooLarge)
    } else {
        Ok(())
    }
}

fn check_png(bytes: &[u8]) -> Result<(), LogoError> {
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().map_err(|_| LogoError::NotAnImage)?;
    let (width, height) = {
        let info = reader.info();
        (info.width, info.height)
    };
    check_side(u64::from(width), u64::from(height))?;
    let size = reader.output_buffer_size().ok_or(LogoError::NotAnImage)?;
    let mut pixels = vec![0; size];
    reader
        .next_frame(&mut pixels)
        .map_err(|_| LogoError::NotAnImage)?;
    // Every chunk up to IEND must be there too.
    reader.finish().map_err(|_| LogoError::NotAnImage)
}

fn check_jpeg(bytes: &[u8]) -> Result<(), LogoError> {
    use zune_jpeg::zune_core::colorspace::ColorSpace;
    use zune_jpeg::zune_core::options::DecoderOptions;

    let options = DecoderOptions::default().set_strict_mode(true);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(Cursor::new(bytes), options);
    decoder
        .decode_headers()
        .map_err(|_| LogoError::NotAnImage)?;
    let (width, height) = decoder.dimensions().ok_or(LogoError::NotAnImage)?;
    check_side(width as u64, height as u64)?;
    if !matches!(
        decoder.input_colorspace(),
        Some(ColorSpace::Luma | ColorSpace::YCbCr | ColorSpace::RGB)
    ) {
        return Err(LogoError::NotAnImage);
    }
    decoder.decode().map_err(|_| LogoError::NotAnImage)?;
    // A JPEG ends with its EOI marker (FF D9), which the entropy-coded data cannot contain: a
    // cut-off file has none near its end (a little trailing data after it is tolerated).
    let has_end = bytes
        .windows(2)
        .rev()
        .take(4096.min(bytes.len() / 2))
        .any(|pair| pair == [0xFF, 0xD9]);
    if has_end {
        Ok(())
    } else {
        Err(LogoError::NotAnImage)
    }
}
