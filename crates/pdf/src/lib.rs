//! Invoice and credit note PDFs: PDF/A-3b documents with the Factur-X XML embedded.
//!
//! Everything shown is already translated and formatted by the caller; this crate only lays
//! the document out and writes it. [`render`] turns a [`Document`] into the bytes of an A4
//! PDF/A-3b file: krilla draws the pages (fonts embedded and subset, PDF/A-3b validated) and
//! embeds `factur-x.xml`; a small lopdf pass then adds the Factur-X XMP properties (with their
//! PDF/A extension schema) to the document's metadata stream. [`check_logo`] tells whether
//! uploaded bytes are a logo this crate can draw.
#![forbid(unsafe_code)]

mod fonts;
mod layout;
mod logo;
mod paint;
mod xmp;

pub use logo::{LogoError, LogoKind, MAX_LOGO_BYTES, MAX_LOGO_SIDE, check_logo};

/// An invoice or a credit note, every string ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The document's language, e.g. "fr" or "en" (PDF `/Lang` and XMP `dc:language`).
    pub lang: String,
    /// The big heading, e.g. "Facture F2026-0001" or "Credit note AV2026-0001"; also the PDF
    /// title and the left part of every page's footer.
    pub title: String,
    /// The seller's logo, PNG or JPEG bytes that passed [`check_logo`].
    pub logo: Option<Vec<u8>>,
    /// The seller block, one line each (name first, in bold; address, SIREN, VAT number…).
    pub seller: Vec<String>,
    /// The heading over the buyer block, e.g. "Facturé à" or "Bill to".
    pub buyer_heading: String,
    /// The buyer block, one line each (name first, in bold).
    pub buyer: Vec<String>,
    /// Label/value pairs under the title: number, date, due date, service period…
    pub meta: Vec<(String, String)>,
    /// The table's headings: description, quantity, unit price excl. VAT, VAT, net excl. VAT.
    pub columns: [String; 5],
    /// The table's lines, in order.
    pub lines: Vec<Row>,
    /// Label/value pairs right-aligned under the table; the last one is the grand total (bold).
    pub totals: Vec<(String, String)>,
    /// Paragraphs under the totals (free work given, payment terms…).
    pub notes: Vec<String>,
    /// Legal paragraphs, in small type at the bottom of the last page.
    pub mentions: Vec<String>,
    /// The label on every page, e.g. "Page {page} / {pages}": `{page}` and `{pages}` are
    /// replaced with the page's number and the number of pages.
    pub page_label: String,
    /// The Factur-X XML, embedded as `factur-x.xml` (text/xml, AFRelationship /Data).
    pub facturx_xml: Vec<u8>,
    /// The invoice or credit note number, for the metadata (document ID, keywords).
    pub document_number: String,
    /// When the document was produced (creation and modification dates of the PDF, of its XMP
    /// metadata and of the embedded XML). PDF/A requires a date; it is a field rather than the
    /// clock so that rendering the same document twice gives the same bytes.
    pub created: Timestamp,
}

/// One line of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// What is billed; long text wraps within the column, `\n` starts a new line.
    pub description: String,
    /// A smaller grey line under the description (e.g. "12 entries, 3–28 Nov 2026").
    pub detail: Option<String>,
    /// The quantity, formatted.
    pub quantity: String,
    /// The unit price excluding VAT, formatted.
    pub unit_price: String,
    /// The VAT rate, formatted.
    pub vat: String,
    /// The net amount excluding VAT, formatted.
    pub net: String,
    /// Shown in grey, e.g. free work billed at zero.
    pub muted: bool,
}

/// A moment in UTC, to the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp {
    /// The year, 0–9999.
    pub year: u16,
    /// The month, 1–12.
    pub month: u8,
    /// The day of the month, 1–31.
    pub day: u8,
    /// The hour, 0–23.
    pub hour: u8,
    /// The minute, 0–59.
    pub minute: u8,
    /// The second, 0–59.
    pub second: u8,
}

impl Timestamp {
    fn to_krilla(self) -> krilla::metadata::DateTime {
        krilla::metadata::DateTime::new(self.year)
            .month(self.month)
            .day(self.day)
            .hour(self.hour)
            .minute(self.minute)
            .second(self.second)
            .utc_offset_hour(0)
            .utc_offset_minute(0)
    }
}

/// Why a document could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The document has no Factur-X XML to embed.
    #[error("the Factur-X XML is empty")]
    NoFacturX,
    /// The document's language is empty.
    #[error("the document has no language")]
    NoLanguage,
    /// The logo is not one [`check_logo`] accepts.
    #[error("the logo cannot be drawn: {0}")]
    Logo(#[from] LogoError),
    /// A committed font could not be read (a broken build).
    #[error("the embedded font cannot be read")]
    Font,
    /// krilla refused to write the PDF (a PDF/A-3b rule broken, a limit passed…).
    #[error("the PDF cannot be written: {0}")]
    Pdf(String),
    /// The metadata pass could not read back or rewrite the PDF.
    #[error("the PDF metadata cannot be written: {0}")]
    Metadata(String),
}

/// Renders the document as an A4 PDF/A-3b file with the Factur-X XML embedded.
pub fn render(doc: &Document) -> Result<Vec<u8>, Error> {
    if doc.facturx_xml.is_empty() {
        return Err(Error::NoFacturX);
    }
    let pdf = draw(doc)?;
    xmp::add_facturx(&pdf)
}

/// Renders a report (a client's monthly value report) with the same layout as an invoice but
/// nothing embedded: a plain A4 PDF/A-3b file. `facturx_xml` is ignored; `columns` and `lines`
/// carry the report's own table.
pub fn render_report(doc: &Document) -> Result<Vec<u8>, Error> {
    draw(&Document {
        facturx_xml: Vec::new(),
        ..doc.clone()
    })
}

/// Lays out and paints `doc` (its XML attached when it has one).
fn draw(doc: &Document) -> Result<Vec<u8>, Error> {
    if doc.lang.trim().is_empty() {
        return Err(Error::NoLanguage);
    }
    let fonts = fonts::Fonts::get().ok_or(Error::Font)?;
    let logo = match &doc.logo {
        Some(bytes) => Some(paint::Logo::new(bytes)?),
        None => None,
    };
    let pages = layout::layout(doc, fonts, logo.as_ref().map(paint::Logo::size));
    paint::paint(doc, fonts, &pages, logo.as_ref())
}
