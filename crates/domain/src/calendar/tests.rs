//! Known answers (Easter, French holidays, a Friday evening before a bank holiday, both DST
//! changes) and a property test against a minute-by-minute reference.
use super::*;
use jiff::civil::date;
use proptest::prelude::*;

fn paris() -> TimeZone {
    TimeZone::get("Europe/Paris").unwrap()
}

fn at(tz: &TimeZone, y: i16, m: i8, d: i8, h: i8, min: i8) -> Timestamp {
    tz.to_ambiguous_zoned(date(y, m, d).at(h, min, 0, 0))
        .compatible()
        .unwrap()
        .timestamp()
}

#[test]
fn easter_and_the_french_holidays() {
    assert_eq!(easter(2024), Some(date(2024, 3, 31)));
    assert_eq!(easter(2025), Some(date(2025, 4, 20)));
    assert_eq!(easter(2026), Some(date(2026, 4, 5)));
    assert_eq!(easter(2027), Some(date(2027, 3, 28)));
    let h = french_holidays(2026);
    assert_eq!(h.len(), 11);
    for d in [
        date(2026, 1, 1),
        date(2026, 4, 6),
        date(2026, 5, 1),
        date(2026, 5, 8),
        date(2026, 5, 14),
        date(2026, 5, 25),
        date(2026, 7, 14),
        date(2026, 8, 15),
        date(2026, 11, 1),
        date(2026, 11, 11),
        date(2026, 12, 25),
    ] {
        assert!(h.contains(&d), "{d}");
    }
    assert!(!is_french_holiday(date(2026, 5, 26)));
}

#[test]
fn friday_evening_before_whit_monday_waits_for_tuesday() {
    let c = Calendar::french_office(paris());
    let fri = at(&c.tz, 2026, 5, 22, 18, 0);
    let tue10 = at(&c.tz, 2026, 5, 26, 10, 0);
    assert_eq!(c.business_minutes(fri, tue10), 60);
    assert_eq!(c.add_business_minutes(fri, 60), Some(tue10));
    // Eight business hours from Friday 17:00: one on Friday, seven on Tuesday (9:00–12:30,
    // 14:00–17:30).
    let fri17 = at(&c.tz, 2026, 5, 22, 17, 0);
    assert_eq!(
        c.add_business_minutes(fri17, 8 * 60),
        Some(at(&c.tz, 2026, 5, 26, 17, 30))
    );
    // The lunch break does not count.
    assert_eq!(
        c.business_minutes(
            at(&c.tz, 2026, 5, 26, 12, 0),
            at(&c.tz, 2026, 5, 26, 14, 30)
        ),
        60
    );
}

fn always(tz: TimeZone) -> Calendar {
    let all = vec![(0, 1440)];
    Calendar::new(
        tz,
        [
            all.clone(),
            all.clone(),
            all.clone(),
            all.clone(),
            all.clone(),
            all.clone(),
            all,
        ],
        false,
        BTreeSet::new(),
    )
    .unwrap()
}

#[test]
fn daylight_saving_days_last_23_and_25_hours() {
    let c = always(paris());
    // 29 March 2026: 02:00 becomes 03:00.
    let a = at(&c.tz, 2026, 3, 28, 12, 0);
    let b = at(&c.tz, 2026, 3, 29, 12, 0);
    assert_eq!(c.business_minutes(a, b), 23 * 60);
    // 25 October 2026: 03:00 becomes 02:00.
    let a = at(&c.tz, 2026, 10, 24, 12, 0);
    let b = at(&c.tz, 2026, 10, 25, 12, 0);
    assert_eq!(c.business_minutes(a, b), 25 * 60);
    assert_eq!(c.add_business_minutes(a, 25 * 60), Some(b));
    // An office week across the March change counts civil working hours.
    let o = Calendar::french_office(paris());
    assert_eq!(
        o.business_minutes(at(&o.tz, 2026, 3, 27, 9, 0), at(&o.tz, 2026, 3, 30, 9, 0)),
        7 * 60 + 30
    );
}

#[test]
fn bad_calendars_are_refused() {
    let tz = paris();
    let week = |d: Vec<Range>| {
        [
            d.clone(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
        ]
    };
    assert_eq!(
        Calendar::new(tz.clone(), week(vec![(600, 500)]), true, BTreeSet::new()).err(),
        Some(CalendarError::BadRange)
    );
    assert_eq!(
        Calendar::new(tz.clone(), week(vec![(0, 1441)]), true, BTreeSet::new()).err(),
        Some(CalendarError::BadRange)
    );
    assert_eq!(
        Calendar::new(
            tz.clone(),
            week(vec![(500, 700), (600, 800)]),
            true,
            BTreeSet::new()
        )
        .err(),
        Some(CalendarError::Overlap)
    );
    assert_eq!(
        Calendar::new(tz, week(Vec::new()), true, BTreeSet::new()).err(),
        Some(CalendarError::NoWorkingTime)
    );
}

/// The reference: every minute of `[from, to)` whose local day is a working day and whose local
/// time lies in one of its ranges.
fn brute(c: &Calendar, from: Timestamp, to: Timestamp) -> i64 {
    let mut n = 0;
    let mut t = from;
    while t < to {
        let z = t.to_zoned(c.tz.clone());
        let d = z.date();
        let minute = u16::try_from(i32::from(z.hour()) * 60 + i32::from(z.minute())).unwrap();
        let idx = usize::from(d.weekday().to_monday_zero_offset().unsigned_abs());
        if !c.is_day_off(d) && c.week[idx].iter().any(|(s, e)| minute >= *s && minute < *e) {
            n += 1;
        }
        t = Timestamp::from_second(t.as_second() + 60).unwrap();
    }
    n
}

/// Working ranges on quarter hours, never starting or ending inside the hour a DST change
/// skips or repeats (02:00–03:00 in Paris), as real office hours never do.
fn day_strategy() -> impl Strategy<Value = Vec<Range>> {
    proptest::collection::vec((0u16..96, 1u16..24), 0..3).prop_map(|v| {
        let mut out: Vec<Range> = Vec::new();
        let mut next = 0u16;
        for (gap, len) in v {
            let s = (next + gap * 15 / 4).min(1440);
            let e = (s + len * 15).min(1440);
            let inside = |m: u16| (120..=180).contains(&m) && m != 120 && m != 180;
            if s < e && !inside(s) && !inside(e) {
                out.push((s, e));
                next = e;
            }
        }
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn business_minutes_match_a_minute_by_minute_count(
        week in proptest::array::uniform7(day_strategy()),
        start_day in 0i64..30,
        start_minute in 0i64..1440,
        length in 0i64..(6 * 1440),
        french in any::<bool>(),
    ) {
        prop_assume!(week.iter().any(|d| !d.is_empty()));
        let tz = paris();
        let c = Calendar::new(tz.clone(), week, french, BTreeSet::from([date(2026, 3, 31)])).unwrap();
        // Around the March change and the spring holidays of 2026.
        let base = at(&tz, 2026, 3, 20, 0, 0);
        let from = Timestamp::from_second(base.as_second() + start_day * 86_400 + start_minute * 60).unwrap();
        let to = Timestamp::from_second(from.as_second() + length * 60).unwrap();
        let got = c.business_minutes(from, to);
        prop_assert_eq!(got, brute(&c, from, to));
        // Adding the business minutes found lands at or before `to`, and no later minute of
        // work lies between (the deadline is the first instant that many minutes are done).
        if got > 0 {
            let end = c.add_business_minutes(from, got).unwrap();
            prop_assert!(end <= to);
            prop_assert_eq!(c.business_minutes(from, end), got);
        }
    }
}
