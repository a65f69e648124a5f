//! Page layout: a document becomes pages of simple drawing operations (text runs, rectangles,
//! rules, the logo), in points, y growing downwards from the top of an A4 page.
//!
//! Page 1 carries the logo and seller (top left), the title and meta (top right) and the
//! buyer block (right); then the table, whose header row is repeated on every page it runs
//! onto; then the totals box, the notes, and the legal mentions at the bottom of the last page.
//! Every page gets a footer with the title and the page label.

use crate::Document;
use crate::fonts::{Face, Fonts};

/// Points per millimetre.
pub(crate) const MM: f32 = 72.0 / 25.4;
/// A4 width in points.
pub(crate) const PAGE_W: f32 = 210.0 * MM;
/// A4 height in points.
pub(crate) const PAGE_H: f32 = 297.0 * MM;
const MARGIN: f32 = 18.0 * MM;
const RIGHT: f32 = PAGE_W - MARGIN;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;
/// The footer's baseline and the rule above it.
const FOOTER_BASELINE: f32 = PAGE_H - MARGIN;
const FOOTER_RULE: f32 = FOOTER_BASELINE - 11.0;
/// The lowest point body content may reach.
const BOTTOM: f32 = FOOTER_RULE - 8.0;

const LOGO_MAX_W: f32 = 40.0 * MM;
const LOGO_MAX_H: f32 = 18.0 * MM;
/// The right-hand column (title, meta, buyer).
const RIGHT_COL_W: f32 = 225.0;
const LEFT_COL_W: f32 = CONTENT_W - RIGHT_COL_W - 24.0;

/// Type sizes.
const TITLE: f32 = 17.0;
const NAME: f32 = 10.0;
const SMALL: f32 = 8.5;
const HEAD: f32 = 7.5;
const BODY: f32 = 8.8;
const DETAIL: f32 = 7.4;
const TOTAL: f32 = 10.5;
const MENTION: f32 = 6.8;
const FOOTER: f32 = 7.0;
/// Line height as a multiple of the type size.
const LEADING: f32 = 1.32;

/// Table cell padding.
const PAD_X: f32 = 6.0;
const PAD_Y: f32 = 4.5;

/// A colour, 8 bits per channel (drawn in sRGB).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rgb(pub(crate) u8, pub(crate) u8, pub(crate) u8);

const INK: Rgb = Rgb(0x1F, 0x29, 0x33);
const SOFT: Rgb = Rgb(0x52, 0x5F, 0x6D);
const MUTED: Rgb = Rgb(0x9A, 0xA5, 0xB1);
const ACCENT: Rgb = Rgb(0x1F, 0x4E, 0x79);
const TINT: Rgb = Rgb(0xEA, 0xF0, 0xF6);
const PANEL: Rgb = Rgb(0xF5, 0xF7, 0xFA);
const RULE: Rgb = Rgb(0xD5, 0xDB, 0xE3);
const WHITE: Rgb = Rgb(0xFF, 0xFF, 0xFF);

/// One drawing operation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Op {
    /// A line of text starting at `x` on `baseline`.
    Text {
        x: f32,
        baseline: f32,
        size: f32,
        bold: bool,
        color: Rgb,
        text: String,
    },
    /// A filled rectangle, corners rounded by `radius`.
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        radius: f32,
        color: Rgb,
    },
    /// A horizontal rule.
    Rule {
        x1: f32,
        x2: f32,
        y: f32,
        width: f32,
        color: Rgb,
    },
    /// The logo, its top-left corner at (`x`, `y`).
    Logo { x: f32, y: f32, w: f32, h: f32 },
}

/// A page's operations, in painting order.
#[derive(Debug, Default)]
pub(crate) struct Page {
    pub(crate) ops: Vec<Op>,
}

/// Lays out the document; `logo` is the logo's size in pixels.
pub(crate) fn layout(doc: &Document, fonts: &Fonts, logo: Option<(u32, u32)>) -> Vec<Page> {
    let mut pen = Pen {
        fonts,
        done: Vec::new(),
        ops: Vec::new(),
        y: MARGIN,
    };
    header(&mut pen, doc, logo);
    table(&mut pen, doc);
    totals(&mut pen, doc);
    notes(&mut pen, doc);
    mentions(&mut pen, doc);
    pen.finish(doc)
}

/// Where the next thing goes, and the pages so far.
struct Pen<'a> {
    fonts: &'a Fonts,
    done: Vec<Page>,
    ops: Vec<Op>,
    y: f32,
}

impl Pen<'_> {
    fn face(&self, bold: bool) -> &Face {
        self.fonts.face(bold)
    }

    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        self.face(bold).width(text, size)
    }

    fn wrap(&self, text: &str, size: f32, bold: bool, max: f32) -> Vec<String> {
        self.face(bold).wrap(text, size, max)
    }

    fn text(&mut self, x: f32, baseline: f32, size: f32, bold: bool, color: Rgb, text: &str) {
        if text.trim().is_empty() {
            return;
        }
        self.ops.push(Op::Text {
            x,
            baseline,
            size,
            bold,
            color,
            text: text.to_owned(),
        });
    }

    fn text_right(
        &mut self,
        right: f32,
        baseline: f32,
        size: f32,
        bold: bool,
        color: Rgb,
        text: &str,
    ) {
        let x = right - self.width(text, size, bold);
        self.text(x, baseline, size, bold, color, text);
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, radius: f32, color: Rgb) {
        self.ops.push(Op::Rect {
            x,
            y,
            w,
            h,
            radius,
            color,
        });
    }

    fn rule(&mut self, x1: f32, x2: f32, y: f32, width: f32, color: Rgb) {
        self.ops.push(Op::Rule {
            x1,
            x2,
            y,
            width,
            color,
        });
    }

    fn new_page(&mut self) {
        let ops = std::mem::take(&mut self.ops);
        self.done.push(Page { ops });
        self.y = MARGIN;
    }

    /// Adds the footer to every page.
    fn finish(mut self, doc: &Document) -> Vec<Page> {
        let ops = std::mem::take(&mut self.ops);
        self.done.push(Page { ops });
        let count = self.done.len();
        let fonts = self.fonts;
        for (i, page) in self.done.iter_mut().enumerate() {
            let label = doc
                .page_label
                .replace("{page}", &(i + 1).to_string())
                .replace("{pages}", &count.to_string());
            let label_w = fonts.regular.width(&label, FOOTER);
            // The title gives way to the page label if both do not fit.
            let title = fonts
                .regular
                .wrap(&doc.title, FOOTER, CONTENT_W - label_w - 20.0)
                .into_iter()
                .next()
                .unwrap_or_default();
            page.ops.push(Op::Rule {
                x1: MARGIN,
                x2: RIGHT,
                y: FOOTER_RULE,
                width: 0.5,
                color: RULE,
            });
            for (x, text) in [(MARGIN, title), (RIGHT - label_w, label)] {
                if !text.trim().is_empty() {
                    page.ops.push(Op::Text {
                        x,
                        baseline: FOOTER_BASELINE,
                        size: FOOTER,
                        bold: false,
                        color: MUTED,
                        text,
                    });
                }
            }
        }
        self.done
    }
}

/// The baseline of a line of `size` points whose line box starts at `top`: capitals centred in
/// the box.
fn baseline(top: f32, size: f32) -> f32 {
    top + size * LEADING / 2.0 + size * 0.365
}

fn lh(size: f32) -> f32 {
    size * LEADING
}

/// Logo, seller, title, meta and buyer; leaves the pen under the lower of the two columns.
fn header(pen: &mut Pen, doc: &Document, logo: Option<(u32, u32)>) {
    let top = MARGIN;

    // Left column: logo, then the seller block.
    let mut left = top;
    if let Some((pw, ph)) = logo {
        let (pw, ph) = (pw.max(1) as f32, ph.max(1) as f32);
        let scale = (LOGO_MAX_W / pw).min(LOGO_MAX_H / ph);
        let (w, h) = (pw * scale, ph * scale);
        pen.ops.push(Op::Logo {
            x: MARGIN,
            y: top,
            w,
            h,
        });
        left += h + 12.0;
    }
    for (i, line) in doc.seller.iter().enumerate() {
        let (size, bold, color) = if i == 0 {
            (NAME, true, INK)
        } else {
            (SMALL, false, SOFT)
        };
        for l in pen.wrap(line, size, bold, LEFT_COL_W) {
            pen.text(MARGIN, baseline(left, size), size, bold, color, &l);
            left += lh(size);
        }
        if i == 0 {
            left += 2.0;
        }
    }

    // Right column: title, meta, buyer.
    let col = RIGHT - RIGHT_COL_W;
    let mut right = top;
    // A long title is set smaller (down to 13 pt) before it wraps.
    let mut title = TITLE;
    while title > 13.0 && pen.width(&doc.title, title, true) > RIGHT_COL_W {
        title -= 0.5;
    }
    for l in pen.wrap(&doc.title, title, true, RIGHT_COL_W) {
        // Capitals start at the top margin, level with the logo.
        pen.text_right(RIGHT, right + title * 0.73, title, true, ACCENT, &l);
        right += title * 1.2;
    }
    right += 6.0;
    if !doc.meta.is_empty() {
        pen.rule(col, RIGHT, right, 0.5, RULE);
        right += 4.0;
        for (label, value) in &doc.meta {
            let label_w = pen.width(label, SMALL, false);
            let value_w = pen.width(value, SMALL, true);
            pen.text(col, baseline(right, SMALL), SMALL, false, SOFT, label);
            if label_w + value_w + 12.0 > RIGHT_COL_W {
                // Too long for one line: the value goes under its label.
                right += lh(SMALL);
                for l in pen.wrap(value, SMALL, true, RIGHT_COL_W) {
                    pen.text_right(RIGHT, baseline(right, SMALL), SMALL, true, INK, &l);
                    right += lh(SMALL);
                }
            } else {
                pen.text_right(RIGHT, baseline(right, SMALL), SMALL, true, INK, value);
                right += lh(SMALL);
            }
            right += 2.5;
        }
        right += 1.5;
        pen.rule(col, RIGHT, right, 0.5, RULE);
    }
    if !doc.buyer.is_empty() || !doc.buyer_heading.is_empty() {
        right += 14.0;
        let pad = 10.0;
        let inner = RIGHT_COL_W - 2.0 * pad;
        let mut lines: Vec<(String, f32, bool, Rgb)> = Vec::new();
        for l in pen.wrap(&doc.buyer_heading.to_uppercase(), HEAD, true, inner) {
            lines.push((l, HEAD, true, ACCENT));
        }
        for (i, line) in doc.buyer.iter().enumerate() {
            let (size, bold, color) = if i == 0 {
                (NAME, true, INK)
            } else {
                (SMALL, false, SOFT)
            };
            for l in pen.wrap(line, size, bold, inner) {
                lines.push((l, size, bold, color));
            }
        }
        let height: f32 = lines.iter().map(|(_, size, _, _)| lh(*size)).sum::<f32>()
            + 2.0 * pad
            + if doc.buyer_heading.is_empty() {
                0.0
            } else {
                3.0
            };
        pen.rect(col, right, RIGHT_COL_W, height, 3.0, PANEL);
        let mut y = right + pad;
        for (i, (l, size, bold, color)) in lines.iter().enumerate() {
            pen.text(col + pad, baseline(y, *size), *size, *bold, *color, l);
            y += lh(*size);
            if i == 0 && *size == HEAD {
                y += 3.0;
            }
        }
        right += height;
    }

    pen.y = left.max(right) + 24.0;
}

/// The table's column edges and wrapped headings.
struct Columns {
    /// Left edges of the five columns, then the right edge of the table.
    edges: [f32; 6],
    headings: [Vec<String>; 5],
}

impl Columns {
    fn new(pen: &Pen, doc: &Document) -> Columns {
        // Number columns fit their widest value and the longest word of their heading.
        let mut widths = [0.0_f32; 5];
        for (i, w) in widths.iter_mut().enumerate().skip(1) {
            let heading = doc.columns.get(i).map(String::as_str).unwrap_or_default();
            let word = heading
                .split(' ')
                .map(|word| pen.width(word, HEAD, true))
                .fold(0.0, f32::max);
            let values = doc
                .lines
                .iter()
                .map(|row| pen.width(cell(row, i), BODY, false))
                .fold(0.0, f32::max);
            *w = (word.max(values) + 2.0 * PAD_X).clamp(46.0, 118.0);
        }
        let numbers: f32 = widths.iter().skip(1).sum();
        // The description takes the rest; each number column is widened a little if room.
        let spare = (CONTENT_W - numbers - 230.0).max(0.0);
        for w in widths.iter_mut().skip(1) {
            *w += (spare / 4.0).min(14.0);
        }
        let numbers: f32 = widths.iter().skip(1).sum();
        if let Some(first) = widths.first_mut() {
            *first = CONTENT_W - numbers;
        }
        let mut edges = [MARGIN; 6];
        let mut x = MARGIN;
        for (i, w) in widths.iter().enumerate() {
            if let Some(e) = edges.get_mut(i) {
                *e = x;
            }
            x += w;
        }
        if let Some(e) = edges.get_mut(5) {
            *e = RIGHT;
        }
        let headings = std::array::from_fn(|i| {
            let text = doc.columns.get(i).map(String::as_str).unwrap_or_default();
            let w = widths.get(i).copied().unwrap_or_default() - 2.0 * PAD_X;
            pen.wrap(text, HEAD, true, w)
        });
        Columns { edges, headings }
    }

    fn left(&self, i: usize) -> f32 {
        self.edges.get(i).copied().unwrap_or(MARGIN)
    }

    fn right(&self, i: usize) -> f32 {
        self.edges.get(i + 1).copied().unwrap_or(RIGHT)
    }

    /// Draws the header row at the pen and moves the pen under it.
    fn draw_header(&self, pen: &mut Pen) {
        let most = self.headings.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let height = most as f32 * lh(HEAD) + 2.0 * PAD_Y;
        let top = pen.y;
        pen.rect(MARGIN, top, CONTENT_W, height, 2.5, ACCENT);
        for (i, lines) in self.headings.iter().enumerate() {
            // Headings sit on the bottom line of the row.
            let mut y = top + PAD_Y + (most - lines.len()) as f32 * lh(HEAD);
            for l in lines {
                if i == 0 {
                    pen.text(
                        self.left(i) + PAD_X,
                        baseline(y, HEAD),
                        HEAD,
                        true,
                        WHITE,
                        l,
                    );
                } else {
                    let right = self.right(i) - PAD_X;
                    pen.text_right(right, baseline(y, HEAD), HEAD, true, WHITE, l);
                }
                y += lh(HEAD);
            }
        }
        pen.y = top + height;
    }
}

/// The text of column `i` of a row (0 is the description).
fn cell(row: &crate::Row, i: usize) -> &str {
    match i {
        1 => &row.quantity,
        2 => &row.unit_price,
        3 => &row.vat,
        4 => &row.net,
        _ => &row.description,
    }
}

/// The line table, breaking pages between rows (inside a row only if it is taller than a page)
/// and repeating the header row on each page.
fn table(pen: &mut Pen, doc: &Document) {
    let columns = Columns::new(pen, doc);
    columns.draw_header(pen);
    let desc_w = columns.right(0) - columns.left(0) - 2.0 * PAD_X;
    let mut fresh = true;
    for row in &doc.lines {
        let (main, detail) = if row.muted {
            (MUTED, MUTED)
        } else {
            (INK, SOFT)
        };
        let mut items: Vec<(String, f32, Rgb)> = pen
            .wrap(&row.description, BODY, false, desc_w)
            .into_iter()
            .map(|l| (l, BODY, main))
            .collect();
        if let Some(d) = &row.detail {
            items.extend(
                pen.wrap(d, DETAIL, false, desc_w)
                    .into_iter()
                    .map(|l| (l, DETAIL, detail)),
            );
        }
        let mut first = true;
        let mut rest = items.as_slice();
        loop {
            let avail = BOTTOM - pen.y - 2.0 * PAD_Y;
            let mut used = 0.0;
            let fit = rest
                .iter()
                .take_while(|(_, size, _)| {
                    used += lh(*size);
                    used <= avail
                })
                .count();
            if fit < rest.len() && (!fresh || fit == 0) {
                pen.new_page();
                columns.draw_header(pen);
                fresh = true;
                continue;
            }
            let (now, later) = rest.split_at(fit);
            let top = pen.y;
            let mut y = top + PAD_Y;
            for (l, size, color) in now {
                pen.text(
                    columns.left(0) + PAD_X,
                    baseline(y, *size),
                    *size,
                    false,
                    *color,
                    l,
                );
                y += lh(*size);
            }
            if first {
                let base = baseline(top + PAD_Y, BODY);
                for i in 1..5 {
                    let right = columns.right(i) - PAD_X;
                    pen.text_right(right, base, BODY, false, main, cell(row, i));
                }
            }
            pen.y = y + PAD_Y;
            pen.rule(MARGIN, RIGHT, pen.y, 0.5, RULE);
            fresh = false;
            first = false;
            rest = later;
            if rest.is_empty() {
                break;
            }
        }
    }
}

/// The totals box, right-aligned; the last line is the grand total.
fn totals(pen: &mut Pen, doc: &Document) {
    let Some(((grand_label, grand_value), others)) = doc.totals.split_last() else {
        return;
    };
    let row_h = 15.5;
    let grand_h = 25.0;
    let pad = 10.0;
    let widest = |size: f32, bold: bool| {
        doc.totals
            .iter()
            .map(|(l, v)| pen.width(l, size, bold) + pen.width(v, size, bold))
            .fold(0.0, f32::max)
    };
    let w = (widest(TOTAL, true) + 2.0 * pad + 24.0)
        .max(widest(BODY, false) + 2.0 * pad + 24.0)
        .clamp(235.0, CONTENT_W);
    let x = RIGHT - w;
    let height = others.len() as f32 * row_h + 6.0 + grand_h;
    pen.y += 14.0;
    if pen.y + height > BOTTOM {
        pen.new_page();
    }
    for (label, value) in others {
        let base = baseline(pen.y + (row_h - lh(BODY)) / 2.0, BODY);
        pen.text(x + pad, base, BODY, false, SOFT, label);
        pen.text_right(RIGHT - pad, base, BODY, false, INK, value);
        pen.y += row_h;
    }
    pen.y += 6.0;
    pen.rect(x, pen.y, w, grand_h, 3.0, TINT);
    let base = baseline(pen.y + (grand_h - lh(TOTAL)) / 2.0, TOTAL);
    pen.text(x + pad, base, TOTAL, true, ACCENT, grand_label);
    pen.text_right(RIGHT - pad, base, TOTAL, true, ACCENT, grand_value);
    pen.y += grand_h;
}

/// The notes, full width, flowing onto new pages if need be.
fn notes(pen: &mut Pen, doc: &Document) {
    if doc.notes.is_empty() {
        return;
    }
    pen.y += 18.0;
    for note in &doc.notes {
        for l in pen.wrap(note, SMALL, false, CONTENT_W) {
            if pen.y + lh(SMALL) > BOTTOM {
                pen.new_page();
            }
            pen.text(MARGIN, baseline(pen.y, SMALL), SMALL, false, INK, &l);
            pen.y += lh(SMALL);
        }
        pen.y += 5.0;
    }
}

/// The legal mentions in small type, at the bottom of the last page (on a page of their own
/// if the last page is full).
fn mentions(pen: &mut Pen, doc: &Document) {
    if doc.mentions.is_empty() {
        return;
    }
    let gap = 3.0;
    let paragraphs: Vec<Vec<String>> = doc
        .mentions
        .iter()
        .map(|m| pen.wrap(m, MENTION, false, CONTENT_W))
        .collect();
    let lines: usize = paragraphs.iter().map(Vec::len).sum();
    let height = 9.0 + lines as f32 * lh(MENTION) + paragraphs.len().saturating_sub(1) as f32 * gap;
    let page_room = BOTTOM - MARGIN;
    // At the bottom of this page, or of a new one; longer than a page, they flow from here.
    let fits = height <= page_room;
    let mut y = if fits {
        if BOTTOM - height < pen.y + 16.0 {
            pen.new_page();
        }
        BOTTOM - height
    } else {
        pen.y + 16.0
    };
    pen.rule(MARGIN, RIGHT, y, 0.5, RULE);
    y += 9.0;
    for lines in paragraphs {
        for l in lines {
            if !fits && y + lh(MENTION) > BOTTOM {
                pen.new_page();
                y = MARGIN;
            }
            pen.text(MARGIN, baseline(y, MENTION), MENTION, false, SOFT, &l);
            y += lh(MENTION);
        }
        y += gap;
    }
    pen.y = y;
}
