//! Relationship NPS (issue 11): scores and their categories, the NPS of a set of answers with
//! the "not enough answers" rule, participation, and the workspace's optimal band that places a
//! client in a quadrant of the satisfaction-vs-margin view.
pub mod permissions;

use rust_decimal::Decimal;

/// Below this many answers an NPS is "not enough answers", never a number.
pub const MIN_ANSWERS: i64 = 5;
/// The longest comment, in characters.
pub const MAX_COMMENT: usize = 5000;
/// Days a survey link stays valid after it is sent.
pub const VALID_DAYS: i64 = 30;
/// Days after sending when the one reminder goes to those who have not answered.
pub const REMIND_AFTER_DAYS: i64 = 7;
/// Hours during which an answer may still be changed through its link.
pub const EDIT_HOURS: i64 = 24;

/// A score 0–10, else `None`.
pub fn score(v: i64) -> Option<u8> {
    u8::try_from(v).ok().filter(|s| *s <= 10)
}

/// Promoters 9–10, passives 7–8, detractors 0–6.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Promoter,
    Passive,
    Detractor,
}

pub fn category(score: u8) -> Category {
    match score {
        9.. => Category::Promoter,
        7 | 8 => Category::Passive,
        _ => Category::Detractor,
    }
}

/// Counts of a set of answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Tally {
    pub promoters: i64,
    pub passives: i64,
    pub detractors: i64,
}

impl Tally {
    pub fn add(&mut self, score: u8) {
        match category(score) {
            Category::Promoter => self.promoters += 1,
            Category::Passive => self.passives += 1,
            Category::Detractor => self.detractors += 1,
        }
    }

    pub fn merge(&mut self, o: &Tally) {
        self.promoters += o.promoters;
        self.passives += o.passives;
        self.detractors += o.detractors;
    }

    pub fn answers(&self) -> i64 {
        self.promoters + self.passives + self.detractors
    }

    /// % promoters − % detractors over all respondents, rounded to the nearest integer (halves
    /// away from zero), −100..100; `None` below [`MIN_ANSWERS`] answers.
    pub fn nps(&self) -> Option<i32> {
        let n = self.answers();
        if n < MIN_ANSWERS {
            return None;
        }
        let diff = 100 * (self.promoters - self.detractors);
        // Round half away from zero on the exact ratio diff / n.
        let q = (2 * diff.abs() + n) / (2 * n);
        i32::try_from(if diff < 0 { -q } else { q }).ok()
    }
}

/// Answered ÷ sent as a percentage with one decimal; `None` when nothing was sent.
pub fn participation(sent: i64, answered: i64) -> Option<Decimal> {
    (sent > 0)
        .then(|| (Decimal::from(answered) * Decimal::from(100) / Decimal::from(sent)).round_dp(1))
}

/// The workspace's target: an NPS band and a minimum margin, not "the higher the better".
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Band {
    pub nps_low: i32,
    pub nps_high: i32,
    /// Minimum margin, in whole percent of revenue.
    pub margin_min: i32,
}

impl Default for Band {
    /// NPS 30–70 at a margin of at least 25 %.
    fn default() -> Band {
        Band {
            nps_low: 30,
            nps_high: 70,
            margin_min: 25,
        }
    }
}

impl Band {
    /// The band's fields that are out of range: NPS bounds within −100..100 and low ≤ high,
    /// margin within −100..100.
    pub fn invalid_fields(&self) -> Vec<(&'static str, &'static str)> {
        let mut v = Vec::new();
        let nps = -100..=100;
        if !nps.contains(&self.nps_low) {
            v.push(("nps_low", "err-nps-band-range"));
        }
        if !nps.contains(&self.nps_high) {
            v.push(("nps_high", "err-nps-band-range"));
        } else if nps.contains(&self.nps_low) && self.nps_high < self.nps_low {
            v.push(("nps_high", "err-nps-band-order"));
        }
        if !(-100..=100).contains(&self.margin_min) {
            v.push(("margin_min", "err-nps-margin-range"));
        }
        v
    }
}

/// Where a client stands against the band.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Quadrant {
    /// Satisfied enough (NPS at or above the band's floor) at the target margin.
    Healthy,
    /// Satisfied at a margin below target: satisfaction bought with free service.
    OverServed,
    /// Margin met but NPS under the band: the relationship may not last.
    AtRisk,
    /// Neither: neither satisfied nor profitable.
    ToRethink,
}

impl Quadrant {
    pub fn as_str(self) -> &'static str {
        match self {
            Quadrant::Healthy => "healthy",
            Quadrant::OverServed => "over_served",
            Quadrant::AtRisk => "at_risk",
            Quadrant::ToRethink => "to_rethink",
        }
    }
}

/// A client's quadrant from its NPS and margin (percent of revenue), and whether it sits in
/// the optimal band (healthy with an NPS not above the band's ceiling: above it, satisfaction
/// may cost more than it brings).
pub fn place(band: &Band, nps: i32, margin_pct: Decimal) -> (Quadrant, bool) {
    let satisfied = nps >= band.nps_low;
    let profitable = margin_pct >= Decimal::from(band.margin_min);
    let q = match (satisfied, profitable) {
        (true, true) => Quadrant::Healthy,
        (true, false) => Quadrant::OverServed,
        (false, true) => Quadrant::AtRisk,
        (false, false) => Quadrant::ToRethink,
    };
    (q, q == Quadrant::Healthy && nps <= band.nps_high)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(scores: &[u8]) -> Tally {
        let mut t = Tally::default();
        for s in scores {
            t.add(*s);
        }
        t
    }

    #[test]
    fn categories_follow_the_dictionary() {
        assert_eq!(category(10), Category::Promoter);
        assert_eq!(category(9), Category::Promoter);
        assert_eq!(category(8), Category::Passive);
        assert_eq!(category(7), Category::Passive);
        assert_eq!(category(6), Category::Detractor);
        assert_eq!(category(0), Category::Detractor);
        assert_eq!(score(11), None);
        assert_eq!(score(-1), None);
        assert_eq!(score(0), Some(0));
    }

    #[test]
    fn nps_known_answers() {
        // Four answers: not enough, whatever they are.
        assert_eq!(tally(&[10, 10, 10, 10]).nps(), None);
        assert_eq!(tally(&[10, 10, 10, 10, 10]).nps(), Some(100));
        assert_eq!(tally(&[0, 1, 2, 3, 4]).nps(), Some(-100));
        // 3 promoters, 1 passive, 2 detractors of 6: 50 % − 33.3 % = 16.7 → 17.
        assert_eq!(tally(&[9, 10, 9, 7, 3, 6]).nps(), Some(17));
        // 2 promoters, 4 detractors of 6: −33.3 → −33; 1 promoter 2 detractors of 8: −12.5 → −13.
        assert_eq!(tally(&[9, 9, 0, 0, 0, 0]).nps(), Some(-33));
        assert_eq!(tally(&[9, 0, 0, 7, 7, 7, 8, 8]).nps(), Some(-13));
        assert_eq!(tally(&[9, 9, 0, 7, 7, 7, 8, 8]).nps(), Some(13));
    }

    #[test]
    fn nps_matches_a_float_reference_and_stays_in_range() {
        for p in 0..12i64 {
            for d in 0..12i64 {
                for m in 0..6i64 {
                    let t = Tally {
                        promoters: p,
                        passives: m,
                        detractors: d,
                    };
                    let n = t.answers();
                    match t.nps() {
                        None => assert!(n < MIN_ANSWERS),
                        Some(v) => {
                            let exact = 100.0 * (p - d) as f64 / n as f64;
                            assert!((f64::from(v) - exact).abs() <= 0.5 + 1e-9, "{t:?}");
                            assert!((-100..=100).contains(&v));
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn participation_is_answered_over_sent() {
        assert_eq!(participation(0, 0), None);
        assert_eq!(participation(3, 1), Some(Decimal::new(333, 1)));
        assert_eq!(participation(4, 4), Some(Decimal::from(100)));
    }

    #[test]
    fn quadrants_and_band() {
        let b = Band::default();
        assert_eq!(place(&b, 50, Decimal::from(30)), (Quadrant::Healthy, true));
        assert_eq!(place(&b, 90, Decimal::from(30)), (Quadrant::Healthy, false));
        assert_eq!(
            place(&b, 90, Decimal::from(10)),
            (Quadrant::OverServed, false)
        );
        assert_eq!(place(&b, 10, Decimal::from(40)), (Quadrant::AtRisk, false));
        assert_eq!(
            place(&b, -20, Decimal::from(-5)),
            (Quadrant::ToRethink, false)
        );
        // The bounds belong to the band.
        assert_eq!(place(&b, 30, Decimal::from(25)), (Quadrant::Healthy, true));
        assert_eq!(place(&b, 70, Decimal::from(25)), (Quadrant::Healthy, true));
        assert!(b.invalid_fields().is_empty());
        let bad = Band {
            nps_low: 50,
            nps_high: 20,
            margin_min: 150,
        };
        assert_eq!(
            bad.invalid_fields(),
            vec![
                ("nps_high", "err-nps-band-order"),
                ("margin_min", "err-nps-margin-range")
            ]
        );
    }
}
