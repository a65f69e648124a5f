#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
use super::*;

fn read_all(data: &[u8], forced: Option<Format>) -> (Format, Vec<Item>) {
    let reader = Reader::new(data, forced).unwrap();
    let format = reader.format();
    (format, reader.map(Result::unwrap).collect())
}

fn rows(items: &[Item]) -> Vec<&Row> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Row(r) => Some(r),
            _ => None,
        })
        .collect()
}

fn err(line: u64, column: &str, reason: Reason, value: &str) -> RowError {
    RowError {
        line,
        column: column.to_owned(),
        reason,
        value: value.to_owned(),
    }
}

const GENERIC_HEADER: &str = "date,person,client,project,deliverable,minutes,note,billable";

#[test]
fn formats_round_trip() {
    for f in Format::ALL {
        assert_eq!(Format::parse(f.as_str()), Some(f));
    }
    assert_eq!(Format::parse(" Toggl "), Some(Format::Toggl));
    assert_eq!(Format::parse("clockify"), None);
}

#[test]
fn line_numbers_are_physical_lines() {
    // CRLF, blank lines, a quoted cell spanning two lines, a row of empty cells, no final
    // line break.
    let data = "date,person,client,project,deliverable,minutes,note,billable\r\n\
                2026-03-02,Ana,Acme,Web,,30,,\r\n\
                \r\n\
                2026-03-03,Ana,Acme,Web,,45,\"two\r\nlines\",\r\n\
                ,,,,,,,\r\n\
                2026-03-04,Ana,Acme,Web,,60,\"a, b\",no";
    let (_, items) = read_all(data.as_bytes(), None);
    let r = rows(&items);
    assert_eq!(r.len(), 3);
    assert_eq!((r[0].line, r[1].line, r[2].line), (2, 4, 7));
    assert_eq!(r[1].note, "two\r\nlines");
    assert_eq!(r[2].note, "a, b");
    assert!(!r[2].billable);

    // LF with a trailing line break, and classic Mac CR line ends.
    for data in [
        "date,person,client,project,minutes\n\n2026-03-02,Ana,Acme,Web,30\n\n",
        "date,person,client,project,minutes\r\r2026-03-02,Ana,Acme,Web,30\r",
    ] {
        let (_, items) = read_all(data.as_bytes(), None);
        assert_eq!(rows(&items)[0].line, 3, "{data:?}");
        assert_eq!(items.len(), 1);
    }
}

#[test]
fn bom_semicolons_and_windows_1252() {
    let data = b"\xEF\xBB\xBFdate;personne;client;projet;livrable;heures;note;facturable\r\n\
                 02/03/2026;Zo\xe9 Martin;Soci\xe9t\xe9 G\xe9n\xe9rale;Refonte;;1,5;Caf\xe9;non\r\n";
    let (format, items) = read_all(data, None);
    assert_eq!(format, Format::Generic);
    let r = rows(&items);
    assert_eq!(r[0].date, jiff::civil::date(2026, 3, 2));
    assert_eq!(r[0].person, "Zoé Martin");
    assert_eq!(r[0].person_email, None);
    assert_eq!(r[0].client, "Société Générale");
    assert_eq!(r[0].note, "Café");
    assert_eq!(r[0].minutes, Minutes::new(90));
    assert!(!r[0].billable);
    assert_eq!(r[0].task, None);
}

#[test]
fn tab_delimited_and_person_email() {
    let data = "Date\tPerson\tClient\tProject\tDuration\n2026-03-02\tana@example.com\tAcme\tWeb\t1:05:30\n";
    let (_, items) = read_all(data.as_bytes(), None);
    let r = rows(&items);
    assert_eq!(r[0].person, "ana@example.com");
    assert_eq!(r[0].person_email.as_deref(), Some("ana@example.com"));
    assert_eq!(r[0].minutes, Minutes::new(66));
}

#[test]
fn file_errors() {
    assert!(matches!(Reader::new(&b""[..], None), Err(FileError::Empty)));
    assert!(matches!(
        Reader::new(&b"\xEF\xBB\xBF\r\n\n"[..], None),
        Err(FileError::Empty)
    ));
    match Reader::new(&b"Foo, Bar\n1,2\n"[..], None) {
        Err(FileError::UnknownFormat { headers }) => assert_eq!(headers, ["Foo", "Bar"]),
        _ => panic!("unknown format expected"),
    }
    match Reader::new(
        &b"User,Email,Client,Project,Start date,Start time\n"[..],
        None,
    ) {
        Err(FileError::MissingColumns { format, columns }) => {
            assert_eq!(format, Format::Toggl);
            assert_eq!(columns, ["Duration"]);
        }
        _ => panic!("missing columns expected"),
    }
    match Reader::new("Date;Client;Projet;Tâche;Prénom\n".as_bytes(), None) {
        Err(e @ FileError::MissingColumns { .. }) => {
            assert_eq!(e.key(), "import-error-missing-columns");
            assert_eq!(
                e,
                FileError::MissingColumns {
                    format: Format::Harvest,
                    columns: vec!["Heures".into(), "Nom".into()],
                }
            );
        }
        _ => panic!("missing columns expected"),
    }
    // Forcing a format checks its columns.
    let generic = format!("{GENERIC_HEADER}\n");
    match Reader::new(generic.as_bytes(), Some(Format::Kimai)) {
        Err(FileError::MissingColumns { format, columns }) => {
            assert_eq!(format, Format::Kimai);
            assert_eq!(columns, ["User", "Duration"]);
        }
        _ => panic!("missing columns expected"),
    }
    assert_eq!(
        Reader::new(generic.as_bytes(), Some(Format::Generic))
            .unwrap()
            .format(),
        Format::Generic
    );
}

/// A record is never held whole past 1 MiB: a file of one endless line, or an endless quoted
/// cell, stops there with the line it began on; quotes inside plain cells and long quoted cells
/// with line breaks under the limit read as before.
#[test]
fn records_are_cut_at_one_mebibyte() {
    /// Counts what the reader takes, to show it stopped near the limit.
    struct Counted<'a>(&'a [u8], usize);
    impl Read for Counted<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.0.read(buf)?;
            self.1 += n;
            Ok(n)
        }
    }
    let endless = vec![b'x'; 50 * 1024 * 1024];
    let mut input = Counted(&endless, 0);
    match Reader::new(&mut input, None) {
        Err(e @ FileError::RecordTooLong { .. }) => {
            assert_eq!(e, FileError::RecordTooLong { line: 1 });
            assert_eq!(e.key(), "import-error-record-too-long");
        }
        Err(other) => panic!("record too long expected, got {other:?}"),
        Ok(_) => panic!("record too long expected"),
    }
    assert!(input.1 < 2 * MAX_RECORD_BYTES, "read {} bytes", input.1);
    // A quoted cell that never ends, after a good row: the row, then the error at its line.
    let mut file = format!(
        "{GENERIC_HEADER}\n2026-03-02,Ana,Acme,Web,,30,ok,yes\n2026-03-03,Ana,Acme,Web,,30,\""
    );
    file.push_str(&"a\n".repeat(MAX_RECORD_BYTES));
    let mut reader = Reader::new(file.as_bytes(), None).unwrap();
    assert!(matches!(reader.next_item(), Some(Ok(Item::Row(_)))));
    assert_eq!(
        reader.next_item(),
        Some(Err(FileError::RecordTooLong { line: 3 }))
    );
    assert_eq!(reader.next_item(), None);
    // Quotes inside plain cells (27" screen) and doubled quotes inside quoted cells do not open
    // anything: 30,000 rows after them (more than 1 MiB) read fine, and so does a quoted note of
    // 900 KiB over many lines.
    let mut file = format!(
        "{GENERIC_HEADER}\n2026-03-02,Ana,Acme,Web,,30,Écran 27\" posé,yes\n2026-03-02,Ana,Acme,Web,,30,\"dit \"\"oui\"\"\",yes\n"
    );
    for k in 0..30_000 {
        file.push_str(&format!(
            "2026-03-04,Ana,Acme,Web,,{},Note {k},yes\n",
            1 + k % 60
        ));
    }
    file.push_str(&format!(
        "2026-03-05,Ana,Acme,Web,,30,\"{}\",yes\n",
        "ligne\n".repeat(150_000)
    ));
    assert!(file.len() > 2 * MAX_RECORD_BYTES);
    let (_, items) = read_all(file.as_bytes(), None);
    let rows = rows(&items);
    assert_eq!(rows.len(), 30_003);
    assert_eq!(rows[0].note, "Écran 27\" posé");
    assert_eq!(rows[1].note, "dit \"oui\"");
    assert_eq!(rows[30_002].line, 30_004);
}

#[test]
fn io_error_is_a_csv_error() {
    struct Failing(usize);
    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let data = b"date,person,client,project,minutes\n2026-03-02,Ana,Acme,Web,30\n";
            if self.0 >= data.len() {
                return Err(io::Error::other("disk on fire"));
            }
            let n = buf.len().min(data.len() - self.0).min(20);
            buf[..n].copy_from_slice(&data[self.0..self.0 + n]);
            self.0 += n;
            Ok(n)
        }
    }
    let mut reader = Reader::new(Failing(0), None).unwrap();
    assert!(matches!(reader.next_item(), Some(Ok(Item::Row(_)))));
    match reader.next_item() {
        Some(Err(FileError::Csv { message, .. })) => assert!(message.contains("disk on fire")),
        other => panic!("csv error expected, got {other:?}"),
    }
    assert_eq!(reader.next_item(), None);
}

#[test]
fn generic_duration_columns() {
    let data = "date,person,client,project,minutes,hours,duration\n\
                2026-03-02,Ana,Acme,Web,30,,\n\
                2026-03-02,Ana,Acme,Web,,0.75,\n\
                2026-03-02,Ana,Acme,Web,,,1:00:30\n\
                2026-03-02,Ana,Acme,Web,30,0.5,\n\
                2026-03-02,Ana,Acme,Web,,,\n\
                2026-03-02,Ana,Acme,Web,1441,,\n\
                2026-03-02,Ana,Acme,Web,,24,\n\
                2026-03-02,Ana,Acme,Web,,,0:00:29\n";
    let (_, items) = read_all(data.as_bytes(), None);
    let minutes = |i: &Item| match i {
        Item::Row(r) => r.minutes.get(),
        _ => -1,
    };
    assert_eq!(minutes(&items[0]), 30);
    assert_eq!(minutes(&items[1]), 45);
    assert_eq!(minutes(&items[2]), 61);
    assert_eq!(
        items[3],
        Item::Errors(vec![err(5, "hours", Reason::ConflictingDurations, "0.5")])
    );
    assert_eq!(
        items[4],
        Item::Errors(vec![err(6, "minutes", Reason::MissingValue, "")])
    );
    assert_eq!(
        items[5],
        Item::Errors(vec![err(7, "minutes", Reason::TooLong, "1441")])
    );
    assert_eq!(minutes(&items[6]), 1440);
    assert_eq!(items[7], Item::SkippedZero { line: 9 });
}

#[test]
fn zero_rows_are_skipped_whatever_else_they_hold() {
    let data = format!("{GENERIC_HEADER}\nnot a date,,,,,0,,maybe\n");
    let (_, items) = read_all(data.as_bytes(), None);
    assert_eq!(items, [Item::SkippedZero { line: 2 }]);
}

#[test]
fn short_rows_and_every_error_in_column_order() {
    let data = format!("{GENERIC_HEADER}\n2026-02-30,,Acme,,,-15,,perhaps\n2026-03-02,Ana\n");
    let (_, items) = read_all(data.as_bytes(), None);
    assert_eq!(
        items,
        [
            Item::Errors(vec![
                err(2, "date", Reason::BadDate, "2026-02-30"),
                err(2, "person", Reason::MissingValue, ""),
                err(2, "project", Reason::MissingValue, ""),
                err(2, "minutes", Reason::NegativeDuration, "-15"),
                err(2, "billable", Reason::BadBoolean, "perhaps"),
            ]),
            Item::Errors(vec![err(
                3,
                "",
                Reason::FieldCount {
                    found: 2,
                    expected: 8
                },
                ""
            )]),
        ]
    );
}

#[test]
fn keys_are_distinct() {
    let reasons = [
        Reason::MissingValue,
        Reason::BadDate,
        Reason::BadDuration,
        Reason::NegativeDuration,
        Reason::TooLong,
        Reason::BadBoolean,
        Reason::ConflictingDurations,
        Reason::AmbiguousDuration,
        Reason::FieldCount {
            found: 1,
            expected: 2,
        },
        Reason::DateOutOfWindow,
    ];
    let mut keys: Vec<&str> = reasons.iter().map(Reason::key).collect();
    keys.extend(
        [
            FileError::Empty,
            FileError::UnknownFormat { headers: vec![] },
            FileError::MissingColumns {
                format: Format::Generic,
                columns: vec![],
            },
            FileError::Csv {
                line: 1,
                message: String::new(),
            },
            FileError::RecordTooLong { line: 1 },
        ]
        .iter()
        .map(FileError::key),
    );
    let n = keys.len();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), n);
    assert!(keys.iter().all(|k| k.starts_with("import-error-")));
}

#[test]
fn rows_must_have_as_many_fields_as_the_header() {
    // A Toggl export cut short in its last row, and a Kimai row with one field too many (an
    // unquoted comma in the description): both refused, naming the line and both counts.
    let toggl = "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,Duration\n\
                 Ana Silva,ana@example.com,Acme,Web,,Mockups,Yes,2026-03-02,09:00:00,2026-03-02,10:30:00,01:30:00\n\
                 Ana Silva,ana@example.com,Acme,Web,,Mockups,Yes,2026-03-03,09:00:00,2026-03\n\
                 \n\
                 ,,,,,,,,,,,\n\
                 \n";
    let (format, items) = read_all(toggl.as_bytes(), None);
    assert_eq!(format, Format::Toggl);
    assert_eq!(rows(&items).len(), 1);
    assert_eq!(
        items[1],
        Item::Errors(vec![err(
            3,
            "",
            Reason::FieldCount {
                found: 10,
                expected: 12
            },
            ""
        )])
    );
    assert_eq!(items.len(), 2, "trailing empty rows are still skipped");

    let kimai = "Date,From,To,Duration,User,Customer,Project,Activity,Description\n\
                 2026-03-02,09:00,10:30,5400,ana,Acme,Web,Design,Mockups\n\
                 2026-03-02,10:30,11:00,1800,ana,Acme,Web,Design,Fix login, again\n";
    let (format, items) = read_all(kimai.as_bytes(), None);
    assert_eq!(format, Format::Kimai);
    assert!(matches!(items[0], Item::Row(_)));
    assert_eq!(
        items[1],
        Item::Errors(vec![err(
            3,
            "",
            Reason::FieldCount {
                found: 10,
                expected: 9
            },
            ""
        )])
    );
    // A zero-minute row of the wrong shape is an error too: it cannot be read safely.
    let data =
        format!("{GENERIC_HEADER}\n2026-03-02,Ana,Acme,Web,,0,,\n2026-03-02,Ana,Acme,Web,,0\n");
    let (_, items) = read_all(data.as_bytes(), None);
    assert_eq!(items[0], Item::SkippedZero { line: 2 });
    assert!(matches!(&items[1], Item::Errors(e) if e[0].line == 3));
}

#[test]
fn dates_outside_the_window_are_refused() {
    let data = format!(
        "{GENERIC_HEADER}\n\
         0001-03-02,Ana,Acme,Web,,30,,\n\
         1999-12-31,Ana,Acme,Web,,30,,\n\
         2000-01-01,Ana,Acme,Web,,30,,\n\
         2027-11-27,Ana,Acme,Web,,30,,\n\
         2027-11-28,Ana,Acme,Web,,30,,\n\
         28/11/2027,Ana,Acme,Web,,0,,\n"
    );
    let window = DateWindow::on(jiff::civil::date(2026, 11, 27));
    let items: Vec<Item> = Reader::new(data.as_bytes(), None)
        .unwrap()
        .with_date_window(window)
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        items[0],
        Item::Errors(vec![err(2, "date", Reason::DateOutOfWindow, "0001-03-02")])
    );
    assert_eq!(
        items[1],
        Item::Errors(vec![err(3, "date", Reason::DateOutOfWindow, "1999-12-31")])
    );
    assert!(matches!(items[2], Item::Row(_)));
    assert!(matches!(items[3], Item::Row(_)));
    assert_eq!(
        items[4],
        Item::Errors(vec![err(6, "date", Reason::DateOutOfWindow, "2027-11-28")])
    );
    // zero minutes still skip the row whatever its date
    assert_eq!(items[5], Item::SkippedZero { line: 7 });
    // Without a window (the parser alone), any real date is read.
    let (_, items) = read_all(data.as_bytes(), None);
    assert_eq!(rows(&items).len(), 5);
}

#[test]
fn errors_quote_values_cut_short() {
    // Most of a megabyte on one line: the header row is all there is, and the error quotes a
    // handful of short names, not the file (past a megabyte the record is refused whole:
    // `records_are_cut_at_one_mebibyte`).
    let line = "x".repeat(1000) + &",y".repeat(500_000);
    match Reader::new(line.as_bytes(), None) {
        Err(FileError::UnknownFormat { headers }) => {
            assert_eq!(headers.len(), 31);
            assert_eq!(headers[0].chars().count(), 41);
            assert!(headers[0].ends_with('…'));
            assert_eq!(headers[30], "…");
            assert!(headers.iter().map(String::len).sum::<usize>() < 2000);
        }
        Err(e) => panic!("unknown format expected, got {e:?}"),
        Ok(_) => panic!("unknown format expected"),
    }
    // A huge cell is quoted by its first 40 characters.
    let huge = "9".repeat(1_000_000);
    let data = format!("{GENERIC_HEADER}\n2026-03-02,Ana,Acme,Web,,{huge}x,,\n");
    let (_, items) = read_all(data.as_bytes(), None);
    match &items[0] {
        Item::Errors(e) => {
            assert_eq!(e[0].reason, Reason::BadDuration);
            assert_eq!(e[0].value, format!("{}…", "9".repeat(40)));
        }
        other => panic!("an error expected, got {other:?}"),
    }
}

#[test]
fn unknown_formats_quote_every_header_when_there_are_few() {
    let line = (0..30)
        .map(|i| format!("c{i}"))
        .collect::<Vec<_>>()
        .join(",");
    match Reader::new(line.as_bytes(), None) {
        Err(FileError::UnknownFormat { headers }) => {
            assert_eq!(headers.len(), 30);
            assert_eq!(headers[29], "c29");
        }
        _ => panic!("unknown format expected"),
    }
}

#[test]
fn control_characters_are_refused_in_any_cell() {
    let data = format!(
        "{GENERIC_HEADER}\n2026-03-02,Léa,Client\u{0},Projet,,60,ok,yes\n2026-03-02,Léa,Client,Projet,,60,\"deux\nlignes\tet tab\",yes\n2026-03-02,Léa,Client,Projet,,60,esc\u{1b}[31m,yes\n"
    );
    let (_, items) = read_all(data.as_bytes(), None);
    assert_eq!(
        items[0],
        Item::Errors(vec![err(
            2,
            "client",
            Reason::ControlChars,
            "Client\u{fffd}"
        )])
    );
    assert_eq!(rows(&items).len(), 1);
    assert_eq!(rows(&items)[0].note, "deux\nlignes\tet tab");
    assert_eq!(
        items[2],
        Item::Errors(vec![err(
            5,
            "note",
            Reason::ControlChars,
            "esc\u{fffd}[31m"
        )])
    );
}
