//! Demo invoices: the agency's seller data, its clients' billing details, and four months of
//! invoices issued on the first of each month in date order (time and materials from the
//! approved work, retainer fees, hosting with the free work given), most paid, one partly paid,
//! the latest overdue, and a credit note for a billing error.
use crate::invoicing::{self, BillingInput, CreditInput, DraftInput, LineInput, SettingsInput};
use crate::{App, Ctx, Result, ServiceError};
use mesure_domain::ClientId;
use mesure_domain::projects::engagement::{day_from_key, day_key};
use uuid::Uuid;

/// The clients billed each month, and whether a hosting line is added (a fixed-fee client whose
/// invoice then shows the free work given).
const BILLED: &[(&str, bool)] = &[
    ("Cabinet Rousseau Avocats", false),
    ("Mairie de Villeurbanne", false),
    ("Vignobles Lacoste", false),
    ("Hôtel Les Mouettes", false),
    ("Boulangerie Dupain", true),
];

fn date_text(k: i32) -> String {
    day_from_key(k).map(|d| d.to_string()).unwrap_or_default()
}

/// Seeds the invoices of the demo workspace; `clients` are (name, id), `today` `YYYYMMDD`.
pub async fn seed(app: &App, ctx: &Ctx, clients: &[(String, Uuid)], today: i32) -> Result<()> {
    invoicing::save_settings(
        app,
        ctx,
        &SettingsInput {
            legal_name: Some("Atelier Lumière SAS".into()),
            address_line: Some("18 quai Saint-Vincent".into()),
            postcode: Some("69001".into()),
            city: Some("Lyon".into()),
            country: Some("FR".into()),
            siren: Some(crate::demo::siren_from(88_000_000)),
            registry_city: Some("Lyon".into()),
            legal_form: Some("SAS".into()),
            share_capital_minor: Some(1_000_000),
            vat_number: Some(crate::demo::vat_from(&crate::demo::siren_from(88_000_000))),
            penalty_rate: Some("3 fois le taux d'intérêt légal".into()),
            iban: Some("FR7630006000011234567890189".into()),
            ..Default::default()
        },
    )
    .await?;
    for (_, id) in clients {
        let c = crate::clients::get(app, ctx, ClientId::from_uuid(*id)).await?;
        let last = c
            .billing_address
            .as_deref()
            .and_then(|a| a.lines().last())
            .unwrap_or("");
        let (postcode, city) = last.split_once(' ').unwrap_or(("69001", "Lyon"));
        invoicing::save_billing(
            app,
            ctx,
            ClientId::from_uuid(*id),
            &BillingInput {
                postcode: Some(postcode.into()),
                city: Some(city.into()),
                country: Some("FR".into()),
                business: Some(true),
                delivery_address: None,
                show_free_work: Some(true),
            },
        )
        .await?;
    }
    let Some(now) = day_from_key(today) else {
        return Ok(());
    };
    // The four months before the last two (whose weeks are not all approved yet).
    let mut months = Vec::new();
    for back in (2..6).rev() {
        if let Ok(d) = now
            .first_of_month()
            .checked_sub(jiff::Span::new().months(back))
        {
            months.push(d);
        }
    }
    let mut issued: Vec<(Uuid, i32, i64, &str)> = Vec::new();
    for first in &months {
        let last = first.last_of_month();
        let Ok(issue_day) = last.checked_add(jiff::Span::new().days(1)) else {
            continue;
        };
        for (name, hosting) in BILLED {
            let Some((_, client)) = clients.iter().find(|(n, _)| n == name) else {
                continue;
            };
            let draft = invoicing::create_draft(
                app,
                ctx,
                &DraftInput {
                    client_id: *client,
                    from: first.to_string(),
                    to: last.to_string(),
                    currency: None,
                    grouping: None,
                    free_work: None,
                    note: None,
                },
            )
            .await;
            let draft = match draft {
                Ok(d) => d,
                // Nothing to bill that month.
                Err(ServiceError::Invalid(_)) => continue,
                Err(e) => return Err(e),
            };
            if *hosting {
                invoicing::add_line(
                    app,
                    ctx,
                    draft.id,
                    &LineInput {
                        description: "Hébergement et maintenance du site — trimestre".into(),
                        quantity: "1".into(),
                        unit_price_minor: 24_000,
                        vat: None,
                        unit: None,
                    },
                )
                .await?;
            }
            let inv = invoicing::issue_dated(app, ctx, draft.id, day_key(issue_day)).await?;
            issued.push((inv.id, day_key(issue_day), inv.gross_minor, name));
        }
    }
    // A billing error found on the second month's Rousseau invoice: one hour billed twice.
    if let Some((id, on, _, _)) = issued
        .iter()
        .filter(|i| i.3 == "Cabinet Rousseau Avocats")
        .nth(1)
    {
        let credit_day = day_from_key(*on)
            .and_then(|d| d.checked_add(jiff::Span::new().days(9)).ok())
            .map(day_key)
            .unwrap_or(*on)
            .min(today);
        invoicing::credit_dated(
            app,
            ctx,
            *id,
            &CreditInput {
                reason: "wrong_hours".into(),
                net_minor: Some(12_000),
                vat: Some("20".into()),
                release_work: None,
                note: Some("Une heure de réunion facturée deux fois.".into()),
            },
            credit_day.max(*on),
        )
        .await?;
    }
    // Payments: everything but the last month is paid 18 days after issue, except one invoice
    // paid in part; the last month's Mairie invoice stays unpaid (overdue once due).
    let last_month = issued.iter().map(|i| i.1).max().unwrap_or(0);
    for (k, (id, on, gross, name)) in issued.iter().enumerate() {
        let paid_on = day_from_key(*on)
            .and_then(|d| d.checked_add(jiff::Span::new().days(18)).ok())
            .map(day_key)
            .unwrap_or(*on)
            .min(today);
        let balance = invoicing::get(app, ctx, *id).await?.balance_minor;
        let amount = if *on == last_month {
            if *name == "Mairie de Villeurbanne" {
                continue;
            }
            if *name == "Cabinet Rousseau Avocats" {
                gross / 2
            } else {
                balance
            }
        } else {
            balance
        };
        if amount <= 0 {
            continue;
        }
        invoicing::add_payment(
            app,
            ctx,
            *id,
            &invoicing::PaymentInput {
                amount_minor: amount,
                currency: None,
                paid_on: date_text(paid_on),
                method: Some(if k % 3 == 0 { "card" } else { "transfer" }.into()),
                reference: Some(format!("VIR-{:04}", k + 1)),
            },
        )
        .await?;
    }
    Ok(())
}
