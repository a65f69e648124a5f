//! Reports over any period (what a Harvest user opens first): hours and money grouped by client,
//! project, person or deliverable, and split by week or month, computed from the time entries.
use crate::{App, Ctx, Result};
use jiff::ToSpan;
use jiff::civil::Date;
use mesure_domain::RadarAction;
use mesure_domain::projects::engagement::{day_from_key, day_key, week_start};
pub use mesure_store::reports::GroupBy;
use mesure_store::reports::{self as store, ReportRow};
use std::collections::HashMap;
use uuid::Uuid;

/// How the period is split.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    Week,
    Month,
}

impl Split {
    pub fn parse(s: &str) -> Option<Split> {
        match s {
            "week" => Some(Split::Week),
            "month" => Some(Split::Month),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Split::Week => "week",
            Split::Month => "month",
        }
    }
    fn start(self, d: Date) -> Date {
        match self {
            Split::Week => week_start(d),
            Split::Month => d.first_of_month(),
        }
    }
    fn next(self, d: Date) -> Option<Date> {
        match self {
            Split::Week => d.checked_add(7.days()).ok(),
            Split::Month => d.checked_add(1.month()).ok(),
        }
    }
}

/// Sums of a set of entries. Money in minor units of the workspace's currency.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sums {
    pub entries: i64,
    pub minutes: i64,
    pub billable_minutes: i64,
    /// Minutes neither billable nor free nor written off.
    pub non_billable_minutes: i64,
    pub billable_value: i64,
    pub free_minutes: i64,
    pub free_value: i64,
    pub written_off_minutes: i64,
    pub written_off_value: i64,
    pub cost: i64,
}

impl Sums {
    /// Adds one row; sums stay at the 64-bit bound rather than wrap (unreachable within the
    /// input bounds).
    fn add(&mut self, r: &ReportRow) {
        let add = |a: &mut i64, b: i64| *a = a.saturating_add(b);
        add(&mut self.entries, r.entries);
        add(&mut self.minutes, r.minutes);
        add(&mut self.billable_minutes, r.billable_minutes);
        add(
            &mut self.non_billable_minutes,
            r.minutes - r.billable_minutes - r.free_minutes - r.written_off_minutes,
        );
        add(&mut self.billable_value, r.billable_value);
        add(&mut self.free_minutes, r.free_minutes);
        add(&mut self.free_value, r.free_value);
        add(&mut self.written_off_minutes, r.written_off_minutes);
        add(&mut self.written_off_value, r.written_off_value);
        add(&mut self.cost, r.cost);
    }
    /// Billable amount less the cost of every hour worked.
    pub fn margin(&self) -> i64 {
        self.billable_value - self.cost
    }
}

/// One group of the report.
#[derive(Clone, Debug)]
pub struct GroupLine {
    pub key: Option<Uuid>,
    pub name: String,
    pub sums: Sums,
}

/// One week or month of the period; `sums` is `None` when nothing was logged (a gap, not a zero).
#[derive(Clone, Debug)]
pub struct Bucket {
    pub from: Date,
    /// Exclusive.
    pub to: Date,
    pub sums: Option<Sums>,
}

/// A report, ready to show.
#[derive(Clone, Debug)]
pub struct Report {
    pub from: Date,
    pub to: Date,
    pub group: GroupBy,
    pub split: Split,
    pub groups: Vec<GroupLine>,
    pub buckets: Vec<Bucket>,
    pub total: Sums,
}

/// The report of `[from, to)` grouped by `group`, split by `split`.
pub async fn report(
    app: &App,
    ctx: &Ctx,
    from: Date,
    to: Date,
    group: GroupBy,
    split: Split,
) -> Result<Report> {
    ctx.require(RadarAction::View)?;
    let mut c = app.db.read().await?;
    let rows = store::by_day(
        &mut c.conn(),
        ctx.workspace,
        group,
        day_key(from),
        day_key(to),
    )
    .await?;
    let ids: Vec<Uuid> = {
        let mut v: Vec<Uuid> = rows.iter().filter_map(|r| r.key).collect();
        v.sort();
        v.dedup();
        v
    };
    let names = if ids.is_empty() {
        HashMap::new()
    } else {
        mesure_store::audit::names(&mut c.conn(), ctx.workspace, &ids).await?
    };
    drop(c);
    Ok(assemble(from, to, group, split, &rows, &names))
}

/// Folds day rows into groups and buckets (pure: tested with known answers).
pub fn assemble(
    from: Date,
    to: Date,
    group: GroupBy,
    split: Split,
    rows: &[ReportRow],
    names: &HashMap<Uuid, String>,
) -> Report {
    let mut total = Sums::default();
    let mut groups: HashMap<Option<Uuid>, Sums> = HashMap::new();
    let mut by_bucket: HashMap<Date, Sums> = HashMap::new();
    for r in rows {
        total.add(r);
        groups.entry(r.key).or_default().add(r);
        if let Some(d) = day_from_key(r.day) {
            by_bucket.entry(split.start(d)).or_default().add(r);
        }
    }
    let mut groups: Vec<GroupLine> = groups
        .into_iter()
        .map(|(key, sums)| GroupLine {
            key,
            name: key.and_then(|k| names.get(&k).cloned()).unwrap_or_default(),
            sums,
        })
        .collect();
    groups.sort_by(|a, b| {
        b.sums
            .minutes
            .cmp(&a.sums.minutes)
            .then_with(|| a.name.cmp(&b.name))
    });
    let mut buckets = Vec::new();
    let mut at = split.start(from);
    while at < to {
        let Some(next) = split.next(at) else { break };
        buckets.push(Bucket {
            from: at.max(from),
            to: next.min(to),
            sums: by_bucket.get(&at).copied(),
        });
        at = next;
    }
    Report {
        from,
        to,
        group,
        split,
        groups,
        buckets,
        total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn row(key: u128, day: i32, minutes: i64, billable: i64, value: i64, cost: i64) -> ReportRow {
        ReportRow {
            key: Some(Uuid::from_u128(key)),
            day,
            entries: 1,
            minutes,
            billable_minutes: billable,
            billable_value: value,
            cost,
            ..ReportRow::default()
        }
    }

    #[test]
    fn groups_and_weeks_with_gaps() {
        let rows = [
            row(1, 20260302, 90, 90, 15_000, 6_000),
            row(2, 20260303, 60, 0, 0, 4_000),
            row(1, 20260318, 30, 30, 5_000, 2_000),
        ];
        let names = HashMap::from([
            (Uuid::from_u128(1), "Acme".to_string()),
            (Uuid::from_u128(2), "Zeta".to_string()),
        ]);
        let r = assemble(
            date(2026, 3, 1),
            date(2026, 4, 1),
            GroupBy::Client,
            Split::Week,
            &rows,
            &names,
        );
        assert_eq!(r.total.minutes, 180);
        assert_eq!(r.total.billable_minutes, 120);
        assert_eq!(r.total.non_billable_minutes, 60);
        assert_eq!(r.total.billable_value, 20_000);
        assert_eq!(r.total.margin(), 8_000);
        assert_eq!(r.groups[0].name, "Acme");
        assert_eq!(r.groups[0].sums.minutes, 120);
        assert_eq!(r.groups[1].sums.non_billable_minutes, 60);
        // Weeks of March 2026 from Monday 23 Feb (clipped to 1 March) to 30 March: 6 buckets.
        assert_eq!(r.buckets.len(), 6);
        assert_eq!(r.buckets[0].from, date(2026, 3, 1));
        assert_eq!(r.buckets[0].sums, None, "a week without entries is a gap");
        assert_eq!(r.buckets[1].sums.map(|s| s.minutes), Some(150));
        assert_eq!(r.buckets[2].sums, None);
        assert_eq!(r.buckets[3].sums.map(|s| s.minutes), Some(30));
        assert_eq!(r.buckets[5].to, date(2026, 4, 1));
        let m = assemble(
            date(2026, 1, 1),
            date(2026, 4, 1),
            GroupBy::Client,
            Split::Month,
            &rows,
            &names,
        );
        assert_eq!(m.buckets.len(), 3);
        assert_eq!(m.buckets[0].sums, None);
        assert_eq!(m.buckets[2].sums.map(|s| s.minutes), Some(180));
    }
}
