//! The time lines of a draft, from the work (issue 10): approved, unbilled, billable entries
//! grouped as the client chooses, one line per group and hourly rate, each line listing the
//! entries it bills; a project's cap turns what passes it into a negative "capped" line, so the
//! draft never bills more than the cap leaves while still showing the work done.
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::BTreeMap;
use uuid::Uuid;

/// How a project's entries become lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Grouping {
    /// One line per deliverable (entries without one together).
    Deliverable,
    /// One line per person.
    Person,
    /// One line per task: entries with the same note (trimmed, case kept) together.
    Task,
    /// One line for the whole project.
    Together,
}

impl Grouping {
    pub const ALL: &'static [Grouping] = &[
        Grouping::Deliverable,
        Grouping::Person,
        Grouping::Task,
        Grouping::Together,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Grouping::Deliverable => "deliverable",
            Grouping::Person => "person",
            Grouping::Task => "task",
            Grouping::Together => "together",
        }
    }
    pub fn parse(s: &str) -> Option<Grouping> {
        Grouping::ALL
            .iter()
            .copied()
            .find(|g| g.as_str() == s.trim())
    }
}

/// An entry to bill: its billed minutes (after the rounding rule) at its hourly rate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Billable {
    pub id: Uuid,
    /// `YYYYMMDD`.
    pub date: i32,
    pub person: Uuid,
    pub deliverable: Option<Uuid>,
    pub note: String,
    pub minutes: i64,
    /// Minor units per hour.
    pub rate: i64,
}

/// What a line groups by.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    Deliverable(Option<Uuid>),
    Person(Uuid),
    Task(String),
    Together,
}

/// A time line of a draft.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeLine {
    pub group: Group,
    /// Minor units per hour.
    pub rate: i64,
    pub minutes: i64,
    /// minutes × rate ÷ 60, rounded half away from zero.
    pub net: i64,
    /// The entries it bills, in date order.
    pub entries: Vec<Uuid>,
    /// First and last day of its entries (the service period it shows).
    pub from: i32,
    pub to: i32,
}

/// What passes a project's cap: a negative line bringing the time lines down to the cap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CappedLine {
    /// Negative: −(time lines' total − what the cap leaves).
    pub net: i64,
    /// The entries past the cap (the first of them possibly in part), in date order.
    pub entries: Vec<Uuid>,
}

/// The value of `minutes` at `rate` per hour, in minor units; `None` past 64 bits.
pub fn value(minutes: i64, rate: i64) -> Option<i64> {
    let v = Decimal::from(minutes).checked_mul(Decimal::from(rate))? / Decimal::from(60);
    i64::try_from(v.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)).ok()
}

fn group_of(e: &Billable, g: Grouping) -> Group {
    match g {
        Grouping::Deliverable => Group::Deliverable(e.deliverable),
        Grouping::Person => Group::Person(e.person),
        Grouping::Task => Group::Task(e.note.trim().to_string()),
        Grouping::Together => Group::Together,
    }
}

/// The time lines of `entries` grouped by `grouping`, one per group and rate (in group, then rate
/// order), and the capped line when `cap_left` (what the project's cap still allows, in minor
/// units) is less than their total. `None` past 64 bits.
pub fn time_lines(
    entries: &[Billable],
    grouping: Grouping,
    cap_left: Option<i64>,
) -> Option<(Vec<TimeLine>, Option<CappedLine>)> {
    let mut sorted: Vec<&Billable> = entries.iter().collect();
    sorted.sort_by_key(|e| (e.date, e.id));
    let mut groups: BTreeMap<(Group, i64), Vec<&Billable>> = BTreeMap::new();
    for e in &sorted {
        groups
            .entry((group_of(e, grouping), e.rate))
            .or_default()
            .push(e);
    }
    let mut lines = Vec::with_capacity(groups.len());
    for ((group, rate), es) in groups {
        let minutes = es.iter().try_fold(0i64, |a, e| a.checked_add(e.minutes))?;
        lines.push(TimeLine {
            group,
            rate,
            minutes,
            net: value(minutes, rate)?,
            entries: es.iter().map(|e| e.id).collect(),
            from: es.iter().map(|e| e.date).min().unwrap_or_default(),
            to: es.iter().map(|e| e.date).max().unwrap_or_default(),
        });
    }
    let total = lines.iter().try_fold(0i64, |a, l| a.checked_add(l.net))?;
    let capped = match cap_left {
        Some(left) if total > left.max(0) => {
            // The entries past the cap, in date order: those whose exact running value passes
            // it. Lines round once each, so their total may pass the cap by a few cents while the
            // exact values do not: then the last entry is the one past it.
            let left = left.max(0);
            let mut run = Decimal::ZERO;
            let mut past = Vec::new();
            for e in &sorted {
                let v = Decimal::from(e.minutes).checked_mul(Decimal::from(e.rate))?
                    / Decimal::from(60);
                run = run.checked_add(v)?;
                if run > Decimal::from(left) && v > Decimal::ZERO {
                    past.push(e.id);
                }
            }
            if past.is_empty() {
                past.extend(sorted.last().map(|e| e.id));
            }
            Some(CappedLine {
                net: left - total,
                entries: past,
            })
        }
        _ => None,
    };
    Some((lines, capped))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn entry(
        n: u128,
        date: i32,
        person: u128,
        deliv: Option<u128>,
        note: &str,
        minutes: i64,
        rate: i64,
    ) -> Billable {
        Billable {
            id: id(n),
            date,
            person: id(person),
            deliverable: deliv.map(id),
            note: note.into(),
            minutes,
            rate,
        }
    }

    fn sample() -> Vec<Billable> {
        vec![
            entry(1, 20260302, 100, Some(10), "Maquettes", 90, 12_000),
            entry(2, 20260303, 101, Some(10), "Maquettes ", 30, 9_000),
            entry(3, 20260304, 100, None, "Réunion", 60, 12_000),
            entry(4, 20260305, 100, Some(10), "Intégration", 20, 12_000),
        ]
    }

    #[test]
    fn lines_per_group_and_rate_list_what_they_bill() {
        let (lines, capped) = time_lines(&sample(), Grouping::Deliverable, None).unwrap();
        assert_eq!(capped, None);
        // Deliverable None first (Option order), then deliverable 10 at 90,00 then 120,00 €/h.
        assert_eq!(lines.len(), 3);
        assert_eq!((lines[0].minutes, lines[0].net), (60, 12_000));
        assert_eq!(
            (lines[1].rate, lines[1].minutes, lines[1].net),
            (9_000, 30, 4_500)
        );
        // 110 min at 120,00 €/h = 220,00 €.
        assert_eq!(
            (lines[2].minutes, lines[2].net, lines[2].entries.clone()),
            (110, 22_000, vec![id(1), id(4)])
        );
        assert_eq!((lines[2].from, lines[2].to), (20260302, 20260305));
        let (lines, _) = time_lines(&sample(), Grouping::Task, None).unwrap();
        // "Maquettes" and "Maquettes " are one task; at two rates, two lines.
        assert_eq!(
            lines
                .iter()
                .filter(|l| l.group == Group::Task("Maquettes".into()))
                .count(),
            2
        );
        let (lines, _) = time_lines(&sample(), Grouping::Together, None).unwrap();
        assert_eq!(
            lines.iter().map(|l| l.net).sum::<i64>(),
            12_000 + 4_500 + 22_000
        );
        // 20 min at 100,00 €/h is 33,333… → 33,33 €; 1 min at 0,50 €/h is 0,0083 → 0,01 €.
        assert_eq!(value(20, 10_000), Some(3_333));
        assert_eq!(value(1, 50), Some(1));
    }

    #[test]
    fn what_passes_the_cap_is_a_negative_line_naming_its_entries() {
        // Total 385,00 €; the cap leaves 300,00 €: −85,00 €, past it entries 3 (partly) and 4.
        let (lines, capped) = time_lines(&sample(), Grouping::Person, Some(30_000)).unwrap();
        let total: i64 = lines.iter().map(|l| l.net).sum();
        assert_eq!(total, 38_500);
        let c = capped.unwrap();
        assert_eq!(c.net, -8_500);
        assert_eq!(c.entries, vec![id(3), id(4)]);
        // A cap already spent: everything is past it.
        let (_, c) = time_lines(&sample(), Grouping::Person, Some(-5)).unwrap();
        assert_eq!(c.unwrap().net, -38_500);
        // Room enough: no capped line.
        assert_eq!(
            time_lines(&sample(), Grouping::Person, Some(38_500))
                .unwrap()
                .1,
            None
        );
        assert_eq!(Grouping::parse("task"), Some(Grouping::Task));
    }

    proptest! {
        /// Every entry is billed by exactly one line; the lines' minutes add up to the entries';
        /// with a cap, time lines plus the capped line never pass it.
        #[test]
        fn each_entry_is_billed_once_and_the_cap_holds(
            raw in prop::collection::vec((0u8..4, 0u8..3, 1i64..600, 0usize..3, 20260101i32..20260129), 0..30),
            g in 0usize..4,
            cap in prop::option::of(-1_000i64..500_000),
        ) {
            let rates = [9_000i64, 12_000, 15_050];
            let entries: Vec<Billable> = raw.iter().enumerate().map(|(i, (p, d, m, r, day))| Billable {
                id: Uuid::from_u128(i as u128 + 1),
                date: *day,
                person: Uuid::from_u128(u128::from(*p) + 100),
                deliverable: (*d > 0).then(|| Uuid::from_u128(u128::from(*d))),
                note: format!("t{d}"),
                minutes: *m,
                rate: rates[*r],
            }).collect();
            let (lines, capped) = time_lines(&entries, Grouping::ALL[g], cap).unwrap();
            let mut billed: Vec<Uuid> = lines.iter().flat_map(|l| l.entries.clone()).collect();
            billed.sort();
            let mut all: Vec<Uuid> = entries.iter().map(|e| e.id).collect();
            all.sort();
            prop_assert_eq!(billed, all);
            prop_assert_eq!(lines.iter().map(|l| l.minutes).sum::<i64>(), entries.iter().map(|e| e.minutes).sum::<i64>());
            let total: i64 = lines.iter().map(|l| l.net).sum();
            match (cap, capped) {
                (Some(c), Some(cl)) => {
                    prop_assert_eq!(total + cl.net, c.max(0));
                    prop_assert!(!cl.entries.is_empty());
                }
                (Some(c), None) => prop_assert!(total <= c.max(0)),
                (None, cl) => prop_assert!(cl.is_none()),
            }
        }
    }
}
