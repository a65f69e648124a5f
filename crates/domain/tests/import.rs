//! The import samples in `tests/fixtures/import/`, each checked row by row against values
//! worked out by hand (durations in comments: how each one rounds).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
use mesure_domain::time::Minutes;
use mesure_domain::time::import::{Format, Item, Reader, Reason, Row, RowError};

struct Outcome {
    format: Format,
    rows: Vec<Row>,
    skipped: Vec<u64>,
    errors: Vec<RowError>,
}

fn read(name: &str) -> Outcome {
    let path = format!(
        "{}/tests/fixtures/import/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let file = std::fs::File::open(&path).expect(&path);
    let reader = Reader::new(file, None).unwrap();
    let mut out = Outcome {
        format: reader.format(),
        rows: vec![],
        skipped: vec![],
        errors: vec![],
    };
    for item in reader {
        match item.unwrap() {
            Item::Row(r) => out.rows.push(r),
            Item::SkippedZero { line } => out.skipped.push(line),
            Item::Errors(e) => out.errors.extend(e),
        }
    }
    out
}

/// The expected row; `task` and `email` empty mean `None`.
#[allow(clippy::too_many_arguments)]
fn row(
    line: u64,
    (y, m, d): (i16, i8, i8),
    person: &str,
    email: &str,
    client: &str,
    project: &str,
    task: &str,
    note: &str,
    minutes: i64,
    billable: bool,
) -> Row {
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    Row {
        line,
        date: jiff::civil::date(y, m, d),
        person: person.into(),
        person_email: opt(email),
        client: client.into(),
        project: project.into(),
        task: opt(task),
        note: note.into(),
        minutes: Minutes::entry(minutes).unwrap(),
        billable,
    }
}

fn err(line: u64, column: &str, reason: Reason, value: &str) -> RowError {
    RowError {
        line,
        column: column.into(),
        reason,
        value: value.into(),
    }
}

#[test]
fn harvest_import_layout() {
    let o = read("harvest.csv");
    assert_eq!(o.format, Format::Harvest);
    let (acme, web, globex, app) = ("Acme Corp", "Website Redesign", "Globex", "Mobile App");
    assert_eq!(
        o.rows,
        [
            // M/D/YYYY dates; 1.5 h
            row(
                2,
                (2026, 3, 2),
                "Ana Silva",
                "",
                acme,
                web,
                "Design",
                "Homepage mockups",
                90,
                true
            ),
            row(
                3,
                (2026, 3, 2),
                "Bruno Lefèvre",
                "",
                acme,
                web,
                "Development",
                "Header, footer",
                120,
                true
            ),
            // h:mm
            row(
                4,
                (2026, 3, 3),
                "Ana Silva",
                "",
                globex,
                app,
                "Meetings",
                "Weekly sync",
                45,
                true
            ),
            // decimal comma
            row(
                5,
                (2026, 3, 4),
                "Chloé Dubois",
                "",
                globex,
                app,
                "Development",
                "",
                435,
                true
            ),
            // 0.025 h = 90 s = 1.5 min, rounds half up to 2
            row(
                7,
                (2026, 3, 10),
                "Bruno Lefèvre",
                "",
                "Initech",
                "Support",
                "Support",
                "Printer issue",
                2,
                true
            ),
            row(
                8,
                (2026, 12, 31),
                "Chloé Dubois",
                "",
                acme,
                web,
                "QA",
                "Year-end check",
                30,
                true
            ),
        ]
    );
    // 0.0083 h = 29.88 s rounds to zero minutes.
    assert_eq!(o.skipped, [6]);
    assert!(o.errors.is_empty());
}

#[test]
fn harvest_detailed_report_export() {
    let o = read("harvest_report.csv");
    assert_eq!(o.format, Format::Harvest);
    let (acme, web, globex, app) = ("Acme Corp", "Website Redesign", "Globex", "Mobile App");
    assert_eq!(
        o.rows,
        [
            row(
                2,
                (2026, 3, 2),
                "Ana Silva",
                "",
                acme,
                web,
                "Design",
                "Homepage mockups",
                90,
                true
            ),
            // Billable? = No
            row(
                3,
                (2026, 3, 2),
                "Bruno Lefèvre",
                "",
                acme,
                web,
                "Project Management",
                "Status call",
                15,
                false
            ),
            row(
                4,
                (2026, 3, 3),
                "Chloé Dubois",
                "",
                globex,
                app,
                "Development",
                "API client, retries",
                225,
                true
            ),
            // 0.275 h = 16.5 min, halves up to 17 (Hours Rounded, 0.25, is ignored)
            row(
                6,
                (2026, 3, 5),
                "Ana Silva",
                "",
                "Initech",
                "Support",
                "Support",
                "Quick fix",
                17,
                true
            ),
            // empty Billable? = billable
            row(
                7,
                (2026, 3, 6),
                "Bruno Lefèvre",
                "",
                "Initech",
                "Support",
                "Support",
                "Backup check",
                30,
                true
            ),
        ]
    );
    assert_eq!(o.skipped, [5]);
    assert!(o.errors.is_empty());
}

#[test]
fn toggl_detailed_export() {
    let o = read("toggl.csv");
    assert_eq!(o.format, Format::Toggl);
    let (acme, web, globex, app) = ("Acme Corp", "Website Redesign", "Globex", "Mobile App");
    let (ana, bruno, chloe) = ("ana@example.com", "bruno@example.com", "chloe@example.com");
    assert_eq!(
        o.rows,
        [
            row(
                2,
                (2026, 3, 2),
                "Ana Silva",
                ana,
                acme,
                web,
                "Design",
                "Homepage mockups",
                90,
                true
            ),
            // 00:11:29 rounds down to 11
            row(
                3,
                (2026, 3, 2),
                "Ana Silva",
                ana,
                acme,
                web,
                "",
                "Email triage",
                11,
                false
            ),
            // 02:15:30 rounds half up to 136
            row(
                4,
                (2026, 3, 3),
                "Bruno Lefèvre",
                bruno,
                globex,
                app,
                "Development",
                "Fix login, again",
                136,
                true
            ),
            // 00:00:30 is one minute
            row(
                6,
                (2026, 3, 4),
                "Chloé Dubois",
                chloe,
                "Initech",
                "Support",
                "",
                "Printer",
                1,
                true
            ),
            // over midnight: the start date counts
            row(
                7,
                (2026, 3, 4),
                "Chloé Dubois",
                chloe,
                "Initech",
                "Support",
                "",
                "Night shift",
                480,
                true
            ),
        ]
    );
    // 00:00:10
    assert_eq!(o.skipped, [5]);
    assert!(o.errors.is_empty());
}

#[test]
fn toggl_french_headers_semicolons() {
    let o = read("toggl_fr.csv");
    assert_eq!(o.format, Format::Toggl);
    let (sg, refonte, lyon, portail) = (
        "Société Générale",
        "Refonte du site",
        "Mairie de Lyon",
        "Portail citoyen",
    );
    assert_eq!(
        o.rows,
        [
            // DD/MM/YYYY: French headers and `;`
            row(
                2,
                (2026, 3, 2),
                "Zoé Martin",
                "zoe@exemple.fr",
                sg,
                refonte,
                "Maquettes",
                "Page d'accueil",
                90,
                true
            ),
            // 00:45:30 halves up to 46; `;` inside quotes
            row(
                3,
                (2026, 3, 3),
                "Zoé Martin",
                "zoe@exemple.fr",
                sg,
                refonte,
                "",
                "Réunion; compte rendu",
                46,
                false
            ),
            // 03:30:29 rounds down to 210
            row(
                4,
                (2026, 3, 13),
                "Luc Bernard",
                "luc@exemple.fr",
                lyon,
                portail,
                "Développement",
                "Correctifs",
                210,
                true
            ),
            // no user name: the e-mail stands for the person; ISO date
            row(
                6,
                (2026, 3, 16),
                "ines@exemple.fr",
                "ines@exemple.fr",
                lyon,
                portail,
                "",
                "Recette",
                60,
                true
            ),
        ]
    );
    assert_eq!(o.skipped, [5]);
    assert!(o.errors.is_empty());
}

#[test]
fn kimai_importer_layout() {
    let o = read("kimai.csv");
    assert_eq!(o.format, Format::Kimai);
    let (acme, web, globex, app) = ("Acme Corp", "Website Redesign", "Globex", "Mobile App");
    let (ana, chloe) = ("ana@example.com", "chloe@example.com");
    assert_eq!(
        o.rows,
        [
            // 5400 s
            row(
                2,
                (2026, 3, 2),
                ana,
                ana,
                acme,
                web,
                "Design",
                "Homepage mockups",
                90,
                true
            ),
            // 689 s = 11 min 29 s, rounds down
            row(
                3,
                (2026, 3, 2),
                ana,
                ana,
                acme,
                web,
                "Support",
                "Email triage",
                11,
                true
            ),
            // 8130 s = 135.5 min, halves up; a user name, no e-mail
            row(
                4,
                (2026, 3, 3),
                "bruno",
                "",
                globex,
                app,
                "Development",
                "Fix login, again",
                136,
                true
            ),
            // 28800 s, over midnight
            row(
                6,
                (2026, 3, 4),
                chloe,
                chloe,
                "Initech",
                "Support",
                "Night shift",
                "",
                480,
                true
            ),
            // `2` from 09:00 to 11:00: hours
            row(
                7,
                (2026, 3, 5),
                chloe,
                chloe,
                "Initech",
                "Support",
                "Support",
                "Written in hours",
                120,
                true
            ),
        ]
    );
    // `10` from 16:20 to 16:20: seconds, so zero minutes
    assert_eq!(o.skipped, [5]);
    assert!(o.errors.is_empty());
}

#[test]
fn kimai_export_in_french() {
    let o = read("kimai_export_fr.csv");
    assert_eq!(o.format, Format::Kimai);
    let (sg, refonte, lyon, portail) = (
        "Société Générale",
        "Refonte du site",
        "Mairie de Lyon",
        "Portail citoyen",
    );
    assert_eq!(
        o.rows,
        [
            // decimal hours; the display name (Nom) wins over the login (Identifiant)
            row(
                2,
                (2026, 3, 2),
                "Zoé Martin",
                "zoe@exemple.fr",
                sg,
                refonte,
                "Maquettes",
                "Page d'accueil",
                90,
                true
            ),
            // `2` from 14:00 to 16:00: two hours; Facturable = Non
            row(
                3,
                (2026, 3, 3),
                "Zoé Martin",
                "zoe@exemple.fr",
                sg,
                refonte,
                "Réunion",
                "",
                120,
                false
            ),
            row(
                4,
                (2026, 3, 13),
                "Luc Bernard",
                "luc@exemple.fr",
                lyon,
                portail,
                "Développement",
                "Correctifs, recette",
                210,
                true
            ),
            // no display name: the login
            row(
                6,
                (2026, 3, 16),
                "ines",
                "",
                lyon,
                portail,
                "Recette",
                "",
                45,
                true
            ),
        ]
    );
    assert_eq!(o.skipped, [5]);
    assert!(o.errors.is_empty());
}

#[test]
fn generic_format() {
    let o = read("generic.csv");
    assert_eq!(o.format, Format::Generic);
    let (acme, web, globex, app) = ("Acme Corp", "Website Redesign", "Globex", "Mobile App");
    assert_eq!(
        o.rows,
        [
            row(
                2,
                (2026, 3, 2),
                "ana@example.com",
                "ana@example.com",
                acme,
                web,
                "Homepage",
                "Mockups v2",
                90,
                true
            ),
            row(
                3,
                (2026, 3, 2),
                "Bruno Lefèvre",
                "",
                acme,
                web,
                "",
                "Status call",
                15,
                false
            ),
            // DD/MM/YYYY; duration 3:45:30 halves up to 226; empty billable = yes
            row(
                4,
                (2026, 3, 3),
                "chloe@example.com",
                "chloe@example.com",
                globex,
                app,
                "Login screen",
                "Fix login, again",
                226,
                true
            ),
            row(
                6,
                (2026, 3, 5),
                "David Kim",
                "",
                "Initech",
                "Support",
                "",
                "Night shift",
                480,
                true
            ),
            // 0:01:29 rounds down to 1; billable 0
            row(
                7,
                (2026, 3, 6),
                "Bruno Lefèvre",
                "",
                "Initech",
                "Support",
                "Printers",
                "",
                1,
                false
            ),
        ]
    );
    assert_eq!(o.skipped, [5]);
    assert!(o.errors.is_empty());
}

#[test]
fn bad_rows_are_all_reported() {
    let o = read("bad.csv");
    assert_eq!(o.format, Format::Generic);
    assert_eq!(
        o.rows,
        [
            row(
                2,
                (2026, 3, 2),
                "ana@example.com",
                "ana@example.com",
                "Acme Corp",
                "Website Redesign",
                "",
                "fine row",
                60,
                true
            ),
            // after a blank line: line numbers stay physical
            row(
                10,
                (2026, 3, 7),
                "Chloé Dubois",
                "",
                "Initech",
                "Support",
                "",
                "day-first date",
                90,
                true
            ),
        ]
    );
    // a zero duration skips the row even with a bad date
    assert_eq!(o.skipped, [13]);
    assert_eq!(
        o.errors,
        [
            err(3, "date", Reason::BadDate, "2026-02-30"),
            err(4, "person", Reason::MissingValue, ""),
            err(4, "project", Reason::MissingValue, ""),
            err(4, "minutes", Reason::NegativeDuration, "-30"),
            err(4, "billable", Reason::BadBoolean, "perhaps"),
            err(5, "minutes", Reason::TooLong, "1500"),
            err(6, "hours", Reason::ConflictingDurations, "0.5"),
            err(7, "minutes", Reason::MissingValue, ""),
            err(8, "client", Reason::MissingValue, ""),
            err(8, "minutes", Reason::BadDuration, "1h30"),
            // the note spans lines 11 and 12
            err(11, "billable", Reason::BadBoolean, "maybe"),
            err(14, "date", Reason::BadDate, "tomorrow"),
        ]
    );
}

#[test]
fn forced_format_and_kimai_ambiguity_without_times() {
    // A Kimai file without From/To: a whole number up to 24 cannot be read safely.
    let data = "Date,User,Customer,Project,Activity,Duration\n\
                2026-03-02,ana,Acme,Web,Design,2\n\
                2026-03-02,ana,Acme,Web,Design,3600\n";
    let items: Vec<Item> = Reader::new(data.as_bytes(), Some(Format::Kimai))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        items[0],
        Item::Errors(vec![err(2, "Duration", Reason::AmbiguousDuration, "2")])
    );
    assert!(matches!(&items[1], Item::Row(r) if r.minutes == Minutes::new(60)));
}

#[test]
fn every_message_key_is_in_both_catalogues() {
    use mesure_domain::time::import::FileError;
    let keys = [
        Reason::MissingValue.key(),
        Reason::BadDate.key(),
        Reason::BadDuration.key(),
        Reason::NegativeDuration.key(),
        Reason::TooLong.key(),
        Reason::BadBoolean.key(),
        Reason::ConflictingDurations.key(),
        Reason::AmbiguousDuration.key(),
        Reason::FieldCount {
            found: 1,
            expected: 2,
        }
        .key(),
        Reason::DateOutOfWindow.key(),
        FileError::Empty.key(),
        FileError::UnknownFormat { headers: vec![] }.key(),
        FileError::MissingColumns {
            format: Format::Generic,
            columns: vec![],
        }
        .key(),
        FileError::Csv {
            line: 1,
            message: String::new(),
        }
        .key(),
    ];
    for lang in ["fr", "en"] {
        // The import's messages belong to the time module's catalogue.
        let path = format!(
            "{}/../../locales/{lang}/time.ftl",
            env!("CARGO_MANIFEST_DIR")
        );
        let ftl = std::fs::read_to_string(&path).expect(&path);
        for key in keys {
            assert!(
                ftl.lines().any(|l| l.starts_with(&format!("{key} = "))),
                "{key} missing from {path} (run python3 scripts/catalogue.py)"
            );
        }
    }
}

/// A Toggl export cut off in its last row, and a Kimai file whose description holds an unquoted
/// comma: the rows of the wrong shape are refused by line with both counts, never read with
/// missing or shifted cells.
#[test]
fn rows_of_the_wrong_shape_are_refused() {
    let o = read("toggl_truncated.csv");
    assert_eq!(o.format, Format::Toggl);
    assert_eq!(o.rows.len(), 3);
    assert_eq!(
        o.errors,
        [err(
            5,
            "",
            Reason::FieldCount {
                found: 10,
                expected: 14
            },
            ""
        )]
    );
    let o = read("kimai_extra_field.csv");
    assert_eq!(o.format, Format::Kimai);
    assert_eq!(o.rows.len(), 3);
    assert_eq!(
        o.errors,
        [err(
            5,
            "",
            Reason::FieldCount {
                found: 15,
                expected: 14
            },
            ""
        )]
    );
}
