//! The two committed DejaVu Sans faces: glyph lookup, advances and line breaking.
//!
//! Text is laid out one character to one glyph with the fonts' advances (no kerning or
//! ligatures), which is all Latin invoice text needs and keeps a shaping engine out of the
//! build. Each glyph keeps the byte range of its character, so krilla's ToUnicode map gives the
//! text back exactly (accents, "€", no-break and narrow no-break spaces).

use std::sync::OnceLock;

use krilla::text::{Font, GlyphId, KrillaGlyph};
use skrifa::charmap::Charmap;
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, MetadataProvider};

static REGULAR_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// The character drawn in place of one the font lacks.
const REPLACEMENT: char = '?';

/// Both faces, loaded once per process.
pub(crate) struct Fonts {
    pub(crate) regular: Face,
    pub(crate) bold: Face,
}

impl Fonts {
    /// The faces, or `None` if a committed font file cannot be read (a broken build).
    pub(crate) fn get() -> Option<&'static Fonts> {
        static FONTS: OnceLock<Option<Fonts>> = OnceLock::new();
        FONTS
            .get_or_init(|| {
                Some(Fonts {
                    regular: Face::new(REGULAR_TTF)?,
                    bold: Face::new(BOLD_TTF)?,
                })
            })
            .as_ref()
    }

    pub(crate) fn face(&self, bold: bool) -> &Face {
        if bold { &self.bold } else { &self.regular }
    }
}

/// One face: krilla's font for drawing, skrifa's tables for measuring.
pub(crate) struct Face {
    pub(crate) pdf: Font,
    charmap: Charmap<'static>,
    metrics: GlyphMetrics<'static>,
    units_per_em: f32,
}

/// A run of text ready to draw: the text (characters the font lacks replaced) and its glyphs.
pub(crate) struct Shaped {
    pub(crate) text: String,
    pub(crate) glyphs: Vec<KrillaGlyph>,
}

impl Face {
    fn new(data: &'static [u8]) -> Option<Face> {
        let font = FontRef::new(data).ok()?;
        let units_per_em = f32::from(
            font.metrics(Size::unscaled(), LocationRef::default())
                .units_per_em,
        );
        if units_per_em <= 0.0 {
            return None;
        }
        Some(Face {
            pdf: Font::new(krilla::Data::from(data), 0)?,
            charmap: font.charmap(),
            metrics: font.glyph_metrics(Size::unscaled(), LocationRef::default()),
            units_per_em,
        })
    }

    /// The glyph for a character and its advance in em, after replacing what cannot be drawn:
    /// control characters become spaces, characters the font lacks become "?".
    fn glyph(&self, c: char) -> (char, GlyphId, f32) {
        let c = if c.is_control() { ' ' } else { c };
        let (c, id) = match self.charmap.map(c) {
            Some(id) if id.to_u32() != 0 => (c, id),
            _ => (
                REPLACEMENT,
                self.charmap.map(REPLACEMENT).unwrap_or_default(),
            ),
        };
        let advance = self.metrics.advance_width(id).unwrap_or(0.0) / self.units_per_em;
        (c, GlyphId::new(id.to_u32()), advance)
    }

    /// The width of `text` at `size` points.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.glyph(c).2).sum::<f32>() * size
    }

    /// The glyphs of a single line of text.
    pub(crate) fn shape(&self, text: &str) -> Shaped {
        let mut out = String::with_capacity(text.len());
        let mut glyphs = Vec::with_capacity(text.len());
        for c in text.chars() {
            let (c, id, advance) = self.glyph(c);
            let start = out.len();
            out.push(c);
            glyphs.push(KrillaGlyph::new(
                id,
                advance,
                0.0,
                0.0,
                0.0,
                start..out.len(),
                None,
            ));
        }
        Shaped { text: out, glyphs }
    }

    /// Breaks `text` into lines no wider than `max` points at `size` points: at spaces (never
    /// at no-break spaces), at `\n`, and inside a word only when the word alone is too wide.
    pub(crate) fn wrap(&self, text: &str, size: f32, max: f32) -> Vec<String> {
        let space = self.width(" ", size);
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            let mut line_width = 0.0;
            for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
                let word_width = self.width(word, size);
                if line.is_empty() {
                    // fall through to placing the word below
                } else if line_width + space + word_width <= max {
                    line.push(' ');
                    line.push_str(word);
                    line_width += space + word_width;
                    continue;
                } else {
                    lines.push(std::mem::take(&mut line));
                }
                if word_width <= max {
                    line.push_str(word);
                    line_width = word_width;
                } else {
                    // A word wider than the column: cut it where it reaches the edge.
                    line_width = 0.0;
                    for c in word.chars() {
                        let w = self.width(c.encode_utf8(&mut [0; 4]), size);
                        if !line.is_empty() && line_width + w > max {
                            lines.push(std::mem::take(&mut line));
                            line_width = 0.0;
                        }
                        line.push(c);
                        line_width += w;
                    }
                }
            }
            lines.push(line);
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_lines_within_the_width_and_every_word() {
        let fonts = Fonts::get().unwrap();
        let f = &fonts.regular;
        let text = "Développement de la fonctionnalité d’export comptable et reprise des données";
        let lines = f.wrap(text, 9.0, 120.0);
        assert!(lines.len() > 2, "{lines:?}");
        for l in &lines {
            assert!(f.width(l, 9.0) <= 120.0, "{l}");
        }
        assert_eq!(lines.join(" "), text);
        // No-break spaces do not break; `\n` does; an overlong word is cut.
        let amount = "1\u{202f}234,00\u{a0}€";
        let fits = f.width(amount, 9.0) + 1.0;
        assert_eq!(
            f.wrap(&format!("Total {amount}"), 9.0, fits),
            vec!["Total", amount]
        );
        assert_eq!(f.wrap("a\nb", 9.0, 100.0), vec!["a", "b"]);
        let long = "x".repeat(200);
        let cut = f.wrap(&long, 9.0, 100.0);
        assert!(cut.len() > 1);
        assert_eq!(cut.concat(), long);
        assert_eq!(f.wrap("", 9.0, 100.0), vec![String::new()]);
    }

    #[test]
    fn shaping_replaces_what_the_font_lacks_and_keeps_byte_ranges() {
        let fonts = Fonts::get().unwrap();
        let s = fonts.bold.shape("é€\u{202f}\u{4E2D}\t");
        assert_eq!(s.text, "é€\u{202f}? ");
        assert_eq!(s.glyphs.len(), 5);
        assert_eq!(s.glyphs[1].text_range, 2..5);
        assert!(s.glyphs.iter().all(|g| g.glyph_id.to_u32() != 0));
        assert!(fonts.regular.width("MMM", 10.0) > fonts.regular.width("iii", 10.0));
    }
}
