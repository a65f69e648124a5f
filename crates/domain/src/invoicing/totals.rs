//! Line and document totals under EN 16931's rounding rule, the one rule every total follows (the
//! page, the API, the PDF and the Factur-X XML): each line's net is rounded to the currency's
//! minor unit; VAT is computed once per category and rate on the sum of that group's line nets
//! (BT-116 × rate, rounded half away from zero → BT-117); the document's totals are the sums
//! (BT-109 net, BT-110 VAT, BT-112 gross). Amounts are minor units (`i64`), quantities and rates
//! exact decimals; nothing is a float.
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::BTreeMap;

/// The VAT of a line: a French rate, or a zero rate with its legal reason. Each maps to its
/// EN 16931 category code (UNTDID 5305) and, for zero, the mention the invoice must carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Vat {
    /// 20 %, the standard rate.
    Standard,
    /// 10 %.
    Intermediate,
    /// 5,5 %.
    Reduced,
    /// 2,1 %.
    SuperReduced,
    /// 0 %: franchise en base (art. 293 B du CGI), the seller charges no VAT.
    Franchise,
    /// 0 %: autoliquidation by an EU business client with a VAT number (art. 283-2 du CGI).
    ReverseCharge,
    /// 0 %: a service to a client outside the EU (art. 259-1 du CGI).
    OutsideEu,
}

impl Vat {
    /// Every VAT a line may take, in the order forms offer them.
    pub const ALL: &'static [Vat] = &[
        Vat::Standard,
        Vat::Intermediate,
        Vat::Reduced,
        Vat::SuperReduced,
        Vat::Franchise,
        Vat::ReverseCharge,
        Vat::OutsideEu,
    ];

    /// The rate in percent (`20`, `5.5`…).
    pub fn percent(self) -> Decimal {
        match self {
            Vat::Standard => Decimal::new(20, 0),
            Vat::Intermediate => Decimal::new(10, 0),
            Vat::Reduced => Decimal::new(55, 1),
            Vat::SuperReduced => Decimal::new(21, 1),
            Vat::Franchise | Vat::ReverseCharge | Vat::OutsideEu => Decimal::ZERO,
        }
    }

    /// The EN 16931 VAT category code (UNTDID 5305): `S` standard, `E` exempt (franchise),
    /// `AE` reverse charge, `G` outside the EU. `G` rather than `O` ("not subject to VAT") for
    /// services outside the EU: rule BR-O-02 forbids the seller's VAT number on an `O` invoice,
    /// which a French VAT-registered seller always shows.
    pub fn category(self) -> &'static str {
        match self {
            Vat::Standard | Vat::Intermediate | Vat::Reduced | Vat::SuperReduced => "S",
            Vat::Franchise => "E",
            Vat::ReverseCharge => "AE",
            Vat::OutsideEu => "G",
        }
    }

    /// The exemption reason code (VATEX) a zero rate carries in the XML.
    pub fn exemption_code(self) -> Option<&'static str> {
        match self {
            Vat::Franchise => Some("VATEX-FR-FRANCHISE"),
            Vat::ReverseCharge => Some("VATEX-EU-AE"),
            Vat::OutsideEu => Some("VATEX-EU-G"),
            _ => None,
        }
    }

    /// The legal mention a zero rate prints on the invoice (French, as the law words it).
    pub fn mention(self) -> Option<&'static str> {
        match self {
            Vat::Franchise => Some("TVA non applicable, art. 293 B du CGI"),
            Vat::ReverseCharge => Some("Autoliquidation, art. 283-2 du CGI"),
            Vat::OutsideEu => Some("TVA non applicable, art. 259-1 du CGI"),
            _ => None,
        }
    }

    /// As stored: `20`, `10`, `5.5`, `2.1`, `franchise`, `reverse_charge`, `outside_eu`.
    pub fn as_str(self) -> &'static str {
        match self {
            Vat::Standard => "20",
            Vat::Intermediate => "10",
            Vat::Reduced => "5.5",
            Vat::SuperReduced => "2.1",
            Vat::Franchise => "franchise",
            Vat::ReverseCharge => "reverse_charge",
            Vat::OutsideEu => "outside_eu",
        }
    }

    pub fn parse(s: &str) -> Option<Vat> {
        let s = s.trim().replace(',', ".");
        Vat::ALL.iter().copied().find(|v| v.as_str() == s)
    }
}

/// A line as billed: a quantity (hours, units) at a unit price excluding VAT, in minor units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line {
    pub quantity: Decimal,
    pub unit_price: i64,
    pub vat: Vat,
}

/// Rounds to a whole number of minor units, half away from zero.
fn minor(v: Decimal) -> Option<i64> {
    i64::try_from(v.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)).ok()
}

impl Line {
    /// The line's net (BT-131): quantity × unit price, rounded to the minor unit. `None` past
    /// 64 bits (the input bounds keep real invoices far below).
    pub fn net(&self) -> Option<i64> {
        minor(self.quantity.checked_mul(Decimal::from(self.unit_price))?)
    }
}

/// One VAT group of a document (BG-23): its base and its VAT.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VatGroup {
    pub vat: Vat,
    /// BT-116: the sum of the group's line nets.
    pub base: i64,
    /// BT-117: base × rate, rounded once.
    pub amount: i64,
}

/// A document's totals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Totals {
    /// Each line's net, in the lines' order.
    pub line_nets: Vec<i64>,
    /// One group per VAT present, in [`Vat`] order.
    pub groups: Vec<VatGroup>,
    /// BT-109: the sum of the line nets.
    pub net: i64,
    /// BT-110: the sum of the groups' VAT.
    pub vat: i64,
    /// BT-112: net + VAT.
    pub gross: i64,
}

/// The totals of `lines`; `None` past 64 bits.
pub fn totals(lines: &[Line]) -> Option<Totals> {
    let nets = lines
        .iter()
        .map(|l| Some((l.vat, l.net()?)))
        .collect::<Option<Vec<(Vat, i64)>>>()?;
    totals_of(&nets)
}

/// The totals of lines given by their VAT and net (a time line's net is its minutes × rate ÷ 60,
/// exact, while its quantity in hours is shown rounded); `None` past 64 bits.
pub fn totals_of(lines: &[(Vat, i64)]) -> Option<Totals> {
    let line_nets: Vec<i64> = lines.iter().map(|(_, n)| *n).collect();
    let mut bases: BTreeMap<Vat, i64> = BTreeMap::new();
    for (v, n) in lines {
        let b = bases.entry(*v).or_default();
        *b = b.checked_add(*n)?;
    }
    let mut groups = Vec::with_capacity(bases.len());
    for (vat, base) in bases {
        let amount = minor(Decimal::from(base).checked_mul(vat.percent())? / Decimal::ONE_HUNDRED)?;
        groups.push(VatGroup { vat, base, amount });
    }
    let net = line_nets.iter().try_fold(0i64, |a, n| a.checked_add(*n))?;
    let vat = groups
        .iter()
        .try_fold(0i64, |a, g| a.checked_add(g.amount))?;
    Some(Totals {
        line_nets,
        groups,
        net,
        vat,
        gross: net.checked_add(vat)?,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn line(q: &str, price: i64, vat: Vat) -> Line {
        Line {
            quantity: q.parse().unwrap(),
            unit_price: price,
            vat,
        }
    }

    /// Known answers, computed by hand: VAT per rate on the sum, not the sum of per-line VAT.
    #[test]
    fn vat_is_computed_per_rate_on_the_sum_of_line_nets() {
        // 3 lines of 0,10 € at 5,5 %: per line VAT would be 0,01 × 3 = 0,03 €; on the sum
        // (0,30 €) it is 0,0165 → 0,02 €.
        let t = totals(&[
            line("1", 10, Vat::Reduced),
            line("1", 10, Vat::Reduced),
            line("1", 10, Vat::Reduced),
        ])
        .unwrap();
        assert_eq!((t.net, t.vat, t.gross), (30, 2, 32));
        // 3 h 30 at 120,00 € (20 %) and 1,25 unit at 99,99 € (10 %): 420,00 € and 124,9875 →
        // 124,99 €; VAT 84,00 € and 12,499 → 12,50 €.
        let t = totals(&[
            line("3.5", 12_000, Vat::Standard),
            line("1.25", 9_999, Vat::Intermediate),
        ])
        .unwrap();
        assert_eq!(t.line_nets, vec![42_000, 12_499]);
        assert_eq!(
            t.groups,
            vec![
                VatGroup {
                    vat: Vat::Standard,
                    base: 42_000,
                    amount: 8_400
                },
                VatGroup {
                    vat: Vat::Intermediate,
                    base: 12_499,
                    amount: 1_250
                },
            ]
        );
        assert_eq!((t.net, t.vat, t.gross), (54_499, 9_650, 64_149));
        // Franchise: no VAT, one group at zero, the mention to print.
        let t = totals(&[line("2", 50_000, Vat::Franchise)]).unwrap();
        assert_eq!((t.net, t.vat, t.gross), (100_000, 0, 100_000));
        assert_eq!(
            Vat::Franchise.mention(),
            Some("TVA non applicable, art. 293 B du CGI")
        );
        // A credit (negative quantity) rounds half away from zero too.
        assert_eq!(line("-0.5", 1, Vat::Standard).net(), Some(-1));
        assert!(
            totals(&[
                line("1", i64::MAX, Vat::Standard),
                line("1", 1, Vat::Standard)
            ])
            .is_none()
        );
    }

    #[test]
    fn vat_texts_round_trip() {
        for v in Vat::ALL {
            assert_eq!(Vat::parse(v.as_str()), Some(*v));
        }
        assert_eq!(Vat::parse("5,5"), Some(Vat::Reduced));
        assert_eq!(Vat::parse("19.6"), None);
        assert!(
            Vat::ALL
                .iter()
                .all(|v| (v.percent() == Decimal::ZERO) == v.mention().is_some())
        );
    }

    fn any_line() -> impl Strategy<Value = Line> {
        (0i64..100_000, -1_000_000i64..100_000_000, 0usize..7).prop_map(|(q, price, v)| Line {
            quantity: Decimal::new(q, 2),
            unit_price: price,
            vat: Vat::ALL[v],
        })
    }

    proptest! {
        /// For any lines: gross = net + VAT; net = Σ line nets = Σ group bases; each group's
        /// VAT is within half a minor unit of base × rate; the order of the lines changes
        /// nothing but `line_nets`' order.
        #[test]
        fn totals_follow_the_rule(lines in prop::collection::vec(any_line(), 0..40)) {
            let t = totals(&lines).unwrap();
            prop_assert_eq!(t.gross, t.net + t.vat);
            prop_assert_eq!(t.net, t.line_nets.iter().sum::<i64>());
            prop_assert_eq!(t.net, t.groups.iter().map(|g| g.base).sum::<i64>());
            prop_assert_eq!(t.vat, t.groups.iter().map(|g| g.amount).sum::<i64>());
            for g in &t.groups {
                let exact = Decimal::from(g.base) * g.vat.percent() / Decimal::ONE_HUNDRED;
                prop_assert!((Decimal::from(g.amount) - exact).abs() <= Decimal::new(5, 1));
            }
            let mut reversed = lines.clone();
            reversed.reverse();
            let r = totals(&reversed).unwrap();
            prop_assert_eq!((r.net, r.vat, r.gross, r.groups), (t.net, t.vat, t.gross, t.groups));
        }
    }
}
