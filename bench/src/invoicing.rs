//! Invoicing benchmarks of issue 10, through the services only:
//! - `invoice DATABASE_URL ENTRIES`: one client, one time-and-materials project, five periods of
//!   ENTRIES approved entries each (notes in 13 tasks); a draft grouped per task is built and
//!   issued per period (median of the five), then the PDF with its Factur-X XML of such a
//!   13-line invoice and of a 2,000-line invoice is rendered (medians).
//! - `month-end DATABASE_URL`: the medium data set (200 clients with their SIREN and address,
//!   one time-and-materials project each, 40 people, ~120,000 approved entries over the twelve
//!   months before this one) in two workspaces: in the first, one month-end over the twelve
//!   months, issued, every PDF rendered; in the second, eleven monthly month-ends (the history),
//!   then the twelfth month's, PDFs included.
//!
//! Every figure is printed as `figure NAME VALUE` on stdout for `bench/invoicing.sh`.
use anyhow::{Context, Result, bail};
use mesure_domain::{ClientId, UserId, WorkspaceId};
use mesure_services::audit::Actor;
use mesure_services::invoicing::{self, BillingInput, DraftInput, MonthEndInput, SettingsInput};
use mesure_services::{App, Ctx};
use std::time::Instant;

pub(crate) fn e(err: mesure_services::ServiceError) -> anyhow::Error {
    anyhow::anyhow!("{err:?}")
}

pub(crate) fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

pub(crate) fn figure(name: &str, value: f64) {
    println!("figure {name} {value:.3}");
}

/// A workspace with an owner (its context) and the seller's settings complete for French law.
pub(crate) async fn workspace(app: &App, name: &str, grouping: &str) -> Result<Ctx> {
    let actor = Actor::system("bench");
    let w = mesure_services::workspaces::create(app, name, &actor)
        .await
        .map_err(e)?;
    let ws = WorkspaceId::from_uuid(w.id);
    let email = format!("owner-{}@bench.example.org", uuid::Uuid::now_v7().simple());
    let owner = mesure_services::people::users::add(
        app,
        ws,
        &mesure_services::people::users::NewUser {
            email,
            name: "Bench Owner".into(),
            role: "owner".into(),
            language: Some("fr".into()),
            password: None,
        },
        &actor,
    )
    .await
    .map_err(e)?;
    let ctx = crate::owner_ctx(ws, UserId::from_uuid(owner.user.id), name);
    let siren = mesure_services::demo::siren_from(88_000_000);
    invoicing::save_settings(
        app,
        &ctx,
        &SettingsInput {
            legal_name: Some(format!("{name} SAS")),
            address_line: Some("18 quai Saint-Vincent".into()),
            postcode: Some("69001".into()),
            city: Some("Lyon".into()),
            country: Some("FR".into()),
            siren: Some(siren.clone()),
            registry_city: Some("Lyon".into()),
            legal_form: Some("SAS".into()),
            share_capital_minor: Some(1_000_000),
            vat_number: Some(mesure_services::demo::vat_from(&siren)),
            penalty_rate: Some("3 fois le taux d'intérêt légal".into()),
            grouping: Some(grouping.into()),
            ..Default::default()
        },
    )
    .await
    .map_err(e)?;
    Ok(ctx)
}

/// `n` clients ready to invoice (SIREN, address, billing details), each with a
/// time-and-materials project at 100 €/h named `Projet {k}`.
pub(crate) async fn clients(app: &App, ctx: &Ctx, n: usize) -> Result<()> {
    for k in 0..n {
        let name = format!("Client {k:05}");
        let stem = 10_000_000 + u32::try_from(k)?;
        let c = mesure_services::clients::create(
            app,
            ctx,
            &mesure_domain::clients::ClientForm {
                name: name.clone(),
                legal_name: Some(format!("{name} SA")),
                siren: Some(mesure_services::demo::siren_from(stem)),
                billing_address: Some(format!("{k} rue de la République")),
                ..Default::default()
            },
        )
        .await
        .map_err(e)?;
        invoicing::save_billing(
            app,
            ctx,
            ClientId::from_uuid(c.id),
            &BillingInput {
                postcode: Some("69002".into()),
                city: Some("Lyon".into()),
                country: Some("FR".into()),
                business: Some(true),
                delivery_address: None,
                show_free_work: Some(false),
            },
        )
        .await
        .map_err(e)?;
        mesure_services::projects::create(
            app,
            ctx,
            &mesure_domain::projects::forms::ProjectForm {
                client_id: c.id.to_string(),
                name: format!("Projet {k:05}"),
                billing_model: "time_materials".into(),
                hourly_rate: Some("100".into()),
                ..Default::default()
            },
        )
        .await
        .map_err(e)?;
    }
    Ok(())
}

/// Imports `rows` (date, person, client index, minutes, note) through the import service,
/// creating the people, then approves every week of every person from `first` to `last`.
pub(crate) async fn log_and_approve(
    app: &App,
    ctx: &Ctx,
    rows: impl Iterator<Item = (jiff::civil::Date, usize, usize, u32, String)>,
    first: jiff::civil::Date,
    last: jiff::civil::Date,
) -> Result<usize> {
    use std::fmt::Write;
    let mut csv = String::from("date,person,client,project,deliverable,minutes,note,billable\n");
    let mut n = 0;
    for (day, person, client, minutes, note) in rows {
        writeln!(
            csv,
            "{day},Personne {person:03},Client {client:05},Projet {client:05},,{minutes},{note},yes"
        )?;
        n += 1;
    }
    let report = mesure_services::time::import::import(
        app,
        ctx,
        csv.as_bytes(),
        &mesure_services::time::import::Options {
            format: None,
            create_missing: true,
            dry_run: false,
            file_name: "bench.csv".into(),
            ..Default::default()
        },
    )
    .await
    .map_err(e)?;
    if !report.errors.is_empty() {
        bail!(
            "import failed: {:?}",
            report.errors.iter().take(5).collect::<Vec<_>>()
        );
    }
    let people: Vec<UserId> = mesure_services::people::users::list_staff(app, ctx)
        .await
        .map_err(e)?
        .into_iter()
        .filter(|u| u.name.starts_with("Personne"))
        .map(|u| UserId::from_uuid(u.id))
        .collect();
    let mut week = first;
    let last = last.checked_add(jiff::Span::new().days(6))?;
    while week <= last {
        for p in &people {
            mesure_services::time::set_week_approved(app, ctx, *p, &week.to_string(), true)
                .await
                .map_err(e)?;
        }
        week = week.checked_add(jiff::Span::new().days(7))?;
    }
    Ok(n)
}

pub(crate) fn draft(
    client: uuid::Uuid,
    from: jiff::civil::Date,
    to: jiff::civil::Date,
) -> DraftInput {
    DraftInput {
        client_id: client,
        from: from.to_string(),
        to: to.to_string(),
        currency: None,
        grouping: Some("task".into()),
        free_work: Some(false),
        note: None,
    }
}

/// PDF + Factur-X of an issued document: the median of `runs` renders, in ms.
async fn render_ms(app: &App, ws: WorkspaceId, id: uuid::Uuid, runs: usize) -> Result<f64> {
    let mut v = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let (_, pdf) = invoicing::pdf_of(app, ws, id).await.map_err(e)?;
        v.push(t.elapsed().as_secs_f64() * 1000.0);
        anyhow::ensure!(pdf.starts_with(b"%PDF"), "not a PDF");
    }
    Ok(median(v))
}

pub async fn invoice(args: &[String]) -> Result<()> {
    let [_, _, url, entries] = args else {
        bail!("usage: mesure-bench invoice DATABASE_URL ENTRIES");
    };
    let entries: usize = entries.parse().context("ENTRIES")?;
    let app = crate::app_for(crate::connect(url).await?);
    let ctx = workspace(&app, "Banc Facture", "task").await?;
    clients(&app, &ctx, 1).await?;
    let client = mesure_services::clients::names(&app, &ctx)
        .await
        .map_err(e)?
        .first()
        .map(|c| c.0)
        .context("no client")?;
    // Five periods (months, January to May) of ENTRIES entries, then June: 2,000 entries with a
    // note each (a 2,000-line invoice grouped per task). 20 people share a period's entries.
    let start = jiff::civil::date(2026, 1, 1);
    let months: Vec<jiff::civil::Date> = (0..6)
        .map(|m| start.checked_add(jiff::Span::new().months(m)))
        .collect::<std::result::Result<_, _>>()?;
    let mut rows = Vec::new();
    for (m, first) in months.iter().enumerate() {
        let days = i64::from(first.days_in_month());
        let (n, per_entry_note) = if m < 5 {
            (entries, false)
        } else {
            (2000, true)
        };
        for k in 0..n {
            let person = k % 20;
            let day = first.checked_add(jiff::Span::new().days(i64::try_from(k / 20)? % days))?;
            let note = if per_entry_note {
                format!("Travail {k}")
            } else {
                format!("Tâche {}", k % 13)
            };
            rows.push((day, person, 0usize, 15 + u32::try_from(k % 4)? * 5, note));
        }
    }
    let last = months.last().map(|m| m.last_of_month()).context("months")?;
    let seeded = Instant::now();
    let n = log_and_approve(&app, &ctx, rows.into_iter(), start, last).await?;
    eprintln!(
        "seeded {n} approved entries in {:.1} s",
        seeded.elapsed().as_secs_f64()
    );
    let mut build = Vec::new();
    let mut issue = Vec::new();
    let mut small = None;
    for first in months.iter().take(5) {
        let t = Instant::now();
        let d = invoicing::create_draft(&app, &ctx, &draft(client, *first, first.last_of_month()))
            .await
            .map_err(e)?;
        let built = t.elapsed().as_secs_f64();
        let v = invoicing::issue(&app, &ctx, d.id).await.map_err(e)?;
        build.push(built * 1000.0);
        issue.push(t.elapsed().as_secs_f64() * 1000.0);
        let billed: usize = v.lines.iter().map(|l| l.bills.len()).sum();
        anyhow::ensure!(billed == entries, "billed {billed} of {entries}");
        small = Some((v.id, v.lines.len()));
    }
    let (small, small_lines) = small.context("no invoice")?;
    let june = months.get(5).context("june")?;
    let d = invoicing::create_draft(&app, &ctx, &draft(client, *june, june.last_of_month()))
        .await
        .map_err(e)?;
    let big = invoicing::issue(&app, &ctx, d.id).await.map_err(e)?;
    anyhow::ensure!(big.lines.len() == 2000, "{} lines", big.lines.len());
    figure("invoice_entries", entries as f64);
    figure("invoice_build_ms", median(build));
    figure("invoice_build_issue_ms", median(issue));
    figure("small_lines", small_lines as f64);
    figure(
        "small_pdf_ms",
        render_ms(&app, ctx.workspace, small, 15).await?,
    );
    figure("big_lines", big.lines.len() as f64);
    figure(
        "big_pdf_ms",
        render_ms(&app, ctx.workspace, big.id, 7).await?,
    );
    Ok(())
}

/// The medium data set in a new workspace: 200 clients, 40 people, ~120,000 approved entries
/// over the twelve months before this one. Returns its context and those months' first days.
async fn medium(app: &App, name: &str) -> Result<(Ctx, Vec<jiff::civil::Date>)> {
    let ctx = workspace(app, name, "person").await?;
    clients(app, &ctx, 200).await?;
    let this = jiff::Zoned::now().date().first_of_month();
    let start = this.checked_sub(jiff::Span::new().months(12))?;
    let months: Vec<jiff::civil::Date> = (0..12)
        .map(|m| start.checked_add(jiff::Span::new().months(m)))
        .collect::<std::result::Result<_, _>>()?;
    let days = usize::try_from(start.until(this)?.get_days())?;
    let rows = (0..120_000usize).map(move |k| {
        let day = start
            .checked_add(jiff::Span::new().days(i64::try_from((k / 40) % days).unwrap_or(0)))
            .unwrap_or(start);
        let minutes = 15 + u32::try_from(k % 4).unwrap_or(0) * 10;
        // Each client's entries come from every person (person and client both follow `k`
        // otherwise), and nobody logs twice on a day.
        (
            day,
            (k + k / 200) % 40,
            k.wrapping_mul(7919) % 200,
            minutes,
            format!("Travail {k}"),
        )
    });
    let t = Instant::now();
    let end = this.yesterday()?;
    let n = log_and_approve(app, &ctx, rows, start, end).await?;
    eprintln!(
        "{name}: seeded {n} approved entries in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    Ok((ctx, months))
}

/// One month-end over `[from, to]`, issued, then every PDF rendered: (seconds, entries billed,
/// invoice lines, documents, seconds of the month-end alone).
async fn run_month_end(
    app: &App,
    ctx: &Ctx,
    from: jiff::civil::Date,
    to: jiff::civil::Date,
    pdfs: bool,
) -> Result<(f64, usize, usize, usize, f64)> {
    let t = Instant::now();
    let r = invoicing::month_end(
        app,
        ctx,
        &MonthEndInput {
            from: from.to_string(),
            to: to.to_string(),
            issue: true,
        },
    )
    .await
    .map_err(e)?;
    let batch = t.elapsed().as_secs_f64();
    anyhow::ensure!(
        r.skipped.is_empty(),
        "skipped: {:?}",
        r.skipped.first().map(|s| &s.reason)
    );
    if pdfs {
        for d in &r.documents {
            invoicing::pdf_of(app, ctx.workspace, d.id)
                .await
                .map_err(e)?;
        }
    }
    let items = r.documents.iter().map(|d| d.items).sum();
    let lines = r.documents.iter().map(|d| d.lines).sum();
    Ok((
        t.elapsed().as_secs_f64(),
        items,
        lines,
        r.documents.len(),
        batch,
    ))
}

pub async fn month_end(args: &[String]) -> Result<()> {
    let [_, _, url] = args else {
        bail!("usage: mesure-bench month-end DATABASE_URL");
    };
    let app = crate::app_for(crate::connect(url).await?);
    // The first month-end: the whole year at once.
    let (ctx, months) = medium(&app, "Banc Fin De Mois A").await?;
    let (first, last) = (
        *months.first().context("months")?,
        months.last().context("months")?.last_of_month(),
    );
    let (secs, items, lines, docs, batch) = run_month_end(&app, &ctx, first, last, true).await?;
    figure("first_seconds", secs);
    figure("first_batch_seconds", batch);
    figure("first_entries", items as f64);
    figure("first_lines", lines as f64);
    figure("first_documents", docs as f64);
    // The same data in a second workspace, invoiced month by month: eleven months of history,
    // then the twelfth.
    let (ctx, months) = medium(&app, "Banc Fin De Mois B").await?;
    let t = Instant::now();
    let mut history_docs = 0;
    for m in months.iter().take(11) {
        let (_, _, _, docs, _) = run_month_end(&app, &ctx, *m, m.last_of_month(), false).await?;
        history_docs += docs;
    }
    figure("history_seconds", t.elapsed().as_secs_f64());
    figure("history_documents", history_docs as f64);
    let m = months.get(11).context("month 12")?;
    let (secs, items, lines, docs, batch) =
        run_month_end(&app, &ctx, *m, m.last_of_month(), true).await?;
    figure("second_seconds", secs);
    figure("second_batch_seconds", batch);
    figure("second_entries", items as f64);
    figure("second_lines", lines as f64);
    figure("second_documents", docs as f64);
    Ok(())
}
