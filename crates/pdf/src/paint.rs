//! Painting the laid-out pages with krilla, as PDF/A-3b with the Factur-X XML embedded.

use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::embed::{AssociationKind, EmbeddedFile, MimeType};
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::Image;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::{Document as PdfDocument, SerializeSettings};

use crate::fonts::Fonts;
use crate::layout::{Op, PAGE_H, PAGE_W, Page, Rgb};
use crate::{Document, Error, LogoError, LogoKind};

/// The creator written in the metadata.
const CREATOR: &str = "Mesure";

/// A checked logo, ready to draw.
pub(crate) struct Logo {
    image: Image,
}

impl Logo {
    pub(crate) fn new(bytes: &[u8]) -> Result<Logo, LogoError> {
        let kind = crate::check_logo(bytes)?;
        let data = krilla::Data::from(bytes.to_vec());
        let image = match kind {
            LogoKind::Png => Image::from_png(data, false),
            LogoKind::Jpeg => Image::from_jpeg(data, false),
        }
        .map_err(|_| LogoError::NotAnImage)?;
        Ok(Logo { image })
    }

    /// The size in pixels.
    pub(crate) fn size(&self) -> (u32, u32) {
        self.image.size()
    }
}

/// Writes the pages as a PDF/A-3b document with `factur-x.xml` attached (when it has one).
pub(crate) fn paint(
    doc: &Document,
    fonts: &Fonts,
    pages: &[Page],
    logo: Option<&Logo>,
) -> Result<Vec<u8>, Error> {
    let configuration = ConfigurationBuilder::new()
        .with_archival_validator(Archival::A3_B)
        .finish()
        .map_err(|e| Error::Pdf(format!("{e:?}")))?;
    let settings = SerializeSettings {
        configuration,
        enable_tagging: false,
        ..SerializeSettings::default()
    };
    let mut pdf = PdfDocument::new_with(settings);
    let created = doc.created.to_krilla();
    let mut metadata = Metadata::new()
        .title(doc.title.clone())
        .language(doc.lang.clone())
        .creator(CREATOR.to_owned())
        .producer(CREATOR.to_owned())
        .creation_date(created)
        .document_id(doc.document_number.clone());
    if !doc.document_number.is_empty() {
        metadata = metadata.keywords(vec![doc.document_number.clone()]);
    }
    if let Some(seller) = doc.seller.first().filter(|s| !s.is_empty()) {
        metadata = metadata.authors(vec![seller.clone()]);
    }
    pdf.set_metadata(metadata);

    let page_size = PageSettings::from_wh(PAGE_W, PAGE_H)
        .ok_or_else(|| Error::Pdf("invalid page size".to_owned()))?;
    for page in pages {
        let mut p = pdf.start_page_with(page_size.clone());
        let mut surface = p.surface();
        for op in &page.ops {
            draw(&mut surface, fonts, logo, op);
        }
        surface.finish();
        p.finish();
    }

    // A report (no invoice data) embeds nothing.
    if !doc.facturx_xml.is_empty() {
        embed_facturx(&mut pdf, doc, created)?;
    }

    pdf.finish().map_err(|e| match e {
        krilla::error::KrillaError::Validation(errors) => {
            let list: Vec<String> = errors.iter().map(|(e, _)| format!("{e:?}")).collect();
            Error::Pdf(format!("PDF/A-3b validation failed: {}", list.join(", ")))
        }
        other => Error::Pdf(other.to_string()),
    })
}

fn embed_facturx(
    pdf: &mut PdfDocument,
    doc: &Document,
    created: krilla::metadata::DateTime,
) -> Result<(), Error> {
    let xml = EmbeddedFile {
        path: "factur-x.xml".to_owned(),
        mime_type: MimeType::new("text/xml"),
        description: Some("Factur-X invoice (EN 16931)".to_owned()),
        association_kind: AssociationKind::Data,
        data: krilla::Data::from(doc.facturx_xml.clone()),
        modification_date: Some(created),
        compress: Some(true),
        location: None,
    };
    pdf.embed_file(xml)
        .ok_or_else(|| Error::Pdf("factur-x.xml embedded twice".to_owned()))
}

fn fill(color: Rgb) -> Fill {
    Fill {
        paint: krilla::color::rgb::Color::new(color.0, color.1, color.2).into(),
        ..Fill::default()
    }
}

fn draw(surface: &mut Surface, fonts: &Fonts, logo: Option<&Logo>, op: &Op) {
    match op {
        Op::Text {
            x,
            baseline,
            size,
            bold,
            color,
            text,
        } => {
            let face = fonts.face(*bold);
            let shaped = face.shape(text);
            surface.set_stroke(None);
            surface.set_fill(Some(fill(*color)));
            surface.draw_glyphs(
                Point::from_xy(*x, *baseline),
                &shaped.glyphs,
                face.pdf.clone(),
                &shaped.text,
                *size,
                false,
            );
        }
        Op::Rect {
            x,
            y,
            w,
            h,
            radius,
            color,
        } => {
            if let Some(path) = rounded_rect(*x, *y, *w, *h, *radius) {
                surface.set_stroke(None);
                surface.set_fill(Some(fill(*color)));
                surface.draw_path(&path);
            }
        }
        Op::Rule {
            x1,
            x2,
            y,
            width,
            color,
        } => {
            let mut pb = PathBuilder::new();
            pb.move_to(*x1, *y);
            pb.line_to(*x2, *y);
            if let Some(path) = pb.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke {
                    paint: krilla::color::rgb::Color::new(color.0, color.1, color.2).into(),
                    width: *width,
                    ..Stroke::default()
                }));
                surface.draw_path(&path);
                surface.set_stroke(None);
            }
        }
        Op::Logo { x, y, w, h } => {
            if let (Some(logo), Some(size)) = (logo, Size::from_wh(*w, *h)) {
                surface.push_transform(&Transform::from_translate(*x, *y));
                surface.draw_image(logo.image.clone(), size);
                surface.pop();
            }
        }
    }
}

/// A rectangle with rounded corners (plain if `r` is 0).
fn rounded_rect(x: f32, y: f32, w: f32, h: f32, r: f32) -> Option<krilla::geom::Path> {
    let mut pb = PathBuilder::new();
    let r = r.min(w / 2.0).min(h / 2.0).max(0.0);
    if r == 0.0 {
        pb.push_rect(Rect::from_xywh(x, y, w, h)?);
        return pb.finish();
    }
    // Control points at 0.5523 of the radius approximate a quarter circle.
    let k = r * 0.5523;
    let (x2, y2) = (x + w, y + h);
    pb.move_to(x + r, y);
    pb.line_to(x2 - r, y);
    pb.cubic_to(x2 - r + k, y, x2, y + r - k, x2, y + r);
    pb.line_to(x2, y2 - r);
    pb.cubic_to(x2, y2 - r + k, x2 - r + k, y2, x2 - r, y2);
    pb.line_to(x + r, y2);
    pb.cubic_to(x + r - k, y2, x, y2 - r + k, x, y2 - r);
    pb.line_to(x, y + r);
    pb.cubic_to(x, y + r - k, x + r - k, y, x + r, y);
    pb.close();
    pb.finish()
}
