//! Demo engagements: six projects over the three billing models, rates and costs, six months of
//! time with free work, a write-off, change requests and approved weeks, so that the radar of the
//! demo agency tells a story (a fixed fee drifting out of scope, a retainer in debt).
use crate::{App, Ctx, Result};
use mesure_domain::projects::engagement::{ChangeStatus, day_from_key, day_key, week_start};
use mesure_domain::projects::forms::{ChangeForm, DeliverableForm, ProjectForm};
use mesure_domain::time::forms::EntryForm;
use mesure_domain::{ChangeRequestId, EntryId, ProjectId, UserId};
use uuid::Uuid;

struct Plan {
    client: &'static str,
    name: &'static str,
    model: &'static str,
    extra: fn(&mut ProjectForm),
    deliverables: &'static [(&'static str, &'static str, &'static str)],
    /// Hours per month, oldest first (six months ending with the current one).
    hours: [i64; 6],
    /// Share of entries logged without a deliverable (unplanned), in percent.
    unplanned: i64,
}

const PLANS: &[Plan] = &[
    Plan {
        client: "Boulangerie Dupain",
        name: "Site vitrine et commande en ligne",
        model: "fixed_fee",
        extra: |f| {
            f.fixed_price = Some("6000".into());
            f.fixed_revenue = Some("deliverables".into());
            f.budget_hours = Some("60".into());
        },
        deliverables: &[
            ("Maquettes", "16", "accepted"),
            ("Intégration", "30", "done"),
            ("Contenus", "10", "in_progress"),
        ],
        hours: [6, 9, 11, 13, 15, 8],
        unplanned: 35,
    },
    Plan {
        client: "Cabinet Rousseau Avocats",
        name: "Accompagnement RGPD",
        model: "time_materials",
        extra: |f| {
            f.cap = Some("12000".into());
            f.budget_hours = Some("110".into());
            f.rounding = Some("up15".into());
        },
        deliverables: &[
            ("Registre des traitements", "30", "done"),
            ("Politique de confidentialité", "12", "in_progress"),
        ],
        hours: [14, 16, 15, 18, 17, 9],
        unplanned: 10,
    },
    Plan {
        client: "Vignobles Lacoste",
        name: "Maintenance du site",
        model: "retainer",
        extra: |f| {
            f.retainer_fee = Some("1500".into());
            f.retainer_hours = Some("12".into());
            f.rollover = Some("carry".into());
            f.rollover_months = Some("2".into());
            f.hourly_rate = Some("110".into());
        },
        deliverables: &[],
        hours: [8, 10, 14, 12, 9, 5],
        unplanned: 100,
    },
    Plan {
        client: "Clinique du Parc",
        name: "Refonte de l'intranet",
        model: "fixed_fee",
        extra: |f| {
            f.fixed_price = Some("18000".into());
            f.budget_hours = Some("150".into());
        },
        deliverables: &[
            ("Audit", "20", "accepted"),
            ("Conception", "40", "done"),
            ("Développement", "80", "in_progress"),
        ],
        hours: [18, 22, 26, 24, 28, 12],
        unplanned: 15,
    },
    Plan {
        client: "Mairie de Villeurbanne",
        name: "Portail citoyen",
        model: "time_materials",
        extra: |f| {
            f.budget_hours = Some("40".into());
            f.budget_monthly = Some("1".into());
            f.hourly_rate = Some("95".into());
        },
        deliverables: &[("Démarches en ligne", "60", "in_progress")],
        hours: [20, 24, 22, 26, 25, 14],
        unplanned: 5,
    },
    Plan {
        client: "Hôtel Les Mouettes",
        name: "Campagnes saisonnières",
        model: "retainer",
        extra: |f| {
            f.retainer_fee = Some("900".into());
            f.retainer_hours = Some("8".into());
            f.rollover = Some("debt".into());
            f.hourly_rate = Some("90".into());
        },
        deliverables: &[],
        hours: [6, 7, 11, 12, 10, 4],
        unplanned: 100,
    },
];

/// Seeds projects and time for the demo workspace. `people` are (id, billing rate, cost rate).
pub async fn seed(
    app: &App,
    ctx: &Ctx,
    clients: &[(String, Uuid)],
    people: &[(Uuid, &str, &str)],
) -> Result<()> {
    let today = crate::projects::today(app, ctx);
    let Some(today_d) = day_from_key(today) else {
        return Ok(());
    };
    let first_month = today_d
        .first_of_month()
        .checked_sub(jiff::Span::new().months(5))
        .unwrap_or(today_d);
    for (user, rate, cost) in people {
        crate::projects::add_rate(
            app,
            ctx,
            &crate::projects::RateForm {
                user_id: user.to_string(),
                rate: (*rate).into(),
                valid_from: "2024-01-01".into(),
                ..Default::default()
            },
        )
        .await?;
        crate::people::costs::add_cost(
            app,
            ctx,
            &crate::projects::RateForm {
                user_id: user.to_string(),
                rate: (*cost).into(),
                valid_from: "2024-01-01".into(),
                ..Default::default()
            },
        )
        .await?;
    }
    let manager = people.get(1).map(|p| p.0);
    let mut seed: u64 = 0x2026_1124;
    let mut next = move |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n.max(1)
    };
    let mut free_done = false;
    let mut write_off: Option<Uuid> = None;
    // The first time-and-materials project, where everyone logs this week's Monday.
    let mut week_project: Option<Uuid> = None;
    for plan in PLANS {
        let Some((_, client)) = clients.iter().find(|(n, _)| n == plan.client) else {
            continue;
        };
        let mut form = ProjectForm {
            client_id: client.to_string(),
            name: plan.name.into(),
            billing_model: plan.model.into(),
            manager_id: manager.map(|m| m.to_string()),
            starts_on: Some(first_month.to_string()),
            alert_thresholds: Some("80,100".into()),
            ..Default::default()
        };
        (plan.extra)(&mut form);
        let p = crate::projects::create(app, ctx, &form).await?;
        let pid = ProjectId::from_uuid(p.id);
        if plan.model == "time_materials" && week_project.is_none() {
            week_project = Some(p.id);
        }
        let mut deliverables = Vec::new();
        for (name, hours, status) in plan.deliverables {
            let d = crate::projects::add_deliverable(
                app,
                ctx,
                pid,
                &DeliverableForm {
                    name: (*name).into(),
                    estimate_hours: (*hours).into(),
                    status: Some((*status).into()),
                    ..Default::default()
                },
            )
            .await?;
            deliverables.push(d.id);
        }
        if plan.model == "fixed_fee" {
            let cr = crate::projects::add_change(
                app,
                ctx,
                pid,
                &ChangeForm {
                    title: "Module de commande en ligne".into(),
                    description: Some("Panier et retrait en boutique".into()),
                    extra_hours: "12".into(),
                    price: "1800".into(),
                    status: Some("sent".into()),
                },
            )
            .await?;
            if plan.client == "Clinique du Parc" {
                crate::projects::decide_change(
                    app,
                    ctx,
                    ChangeRequestId::from_uuid(cr.id),
                    ChangeStatus::Approved,
                )
                .await?;
                let ms = crate::projects::add_milestone(
                    app,
                    ctx,
                    pid,
                    &crate::projects::MilestoneForm {
                        name: "Validation de la conception".into(),
                        amount: "6000".into(),
                        due_on: first_month.to_string(),
                    },
                )
                .await?;
                crate::projects::set_milestone_reached(
                    app,
                    ctx,
                    pid,
                    mesure_domain::MilestoneId::from_uuid(ms.id),
                    true,
                )
                .await?;
                crate::projects::add_milestone(
                    app,
                    ctx,
                    pid,
                    &crate::projects::MilestoneForm {
                        name: "Mise en production".into(),
                        amount: "12000".into(),
                        due_on: today_d.last_of_month().to_string(),
                    },
                )
                .await?;
            }
        }
        for (mi, hours) in plan.hours.iter().enumerate() {
            let Ok(month) =
                first_month.checked_add(jiff::Span::new().months(i64::try_from(mi).unwrap_or(0)))
            else {
                continue;
            };
            let mut left = hours * 60;
            while left > 0 {
                let minutes = [60, 90, 120, 180, 45, 240]
                    .get(usize::try_from(next(6)).unwrap_or(0))
                    .copied()
                    .unwrap_or(60)
                    .min(left);
                left -= minutes;
                let Ok(day) =
                    month.checked_add(jiff::Span::new().days(i64::try_from(next(28)).unwrap_or(0)))
                else {
                    continue;
                };
                if day_key(day) > today || day.weekday().to_monday_zero_offset() >= 5 {
                    continue;
                }
                let who = people
                    .get(usize::try_from(next(people.len() as u64)).unwrap_or(0))
                    .map(|p| p.0);
                let unplanned = deliverables.is_empty()
                    || i64::try_from(next(100)).unwrap_or(0) < plan.unplanned;
                let deliverable = if unplanned {
                    None
                } else {
                    deliverables
                        .get(usize::try_from(next(deliverables.len() as u64)).unwrap_or(0))
                        .map(|d: &Uuid| d.to_string())
                };
                let free = !free_done && plan.client == "Boulangerie Dupain" && mi == 3;
                let entry = EntryForm {
                    user_id: who.map(|w| w.to_string()),
                    project_id: p.id.to_string(),
                    deliverable_id: deliverable,
                    date: day.to_string(),
                    duration: format!("{minutes}m"),
                    note: Some(
                        NOTES
                            .get(usize::try_from(next(NOTES.len() as u64)).unwrap_or(0))
                            .copied()
                            .unwrap_or("")
                            .into(),
                    ),
                    scope: free.then(|| "free".into()),
                    free_reason: free.then(|| "goodwill".into()),
                    free_note: free.then(|| "Formation offerte à la gérante".into()),
                    ..Default::default()
                };
                match crate::time::log(app, ctx, &entry).await {
                    Ok(e) => {
                        free_done |= free;
                        if write_off.is_none() && plan.client == "Clinique du Parc" && mi == 2 {
                            write_off = Some(e.id);
                        }
                    }
                    Err(crate::ServiceError::Invalid(_)) => {}
                    Err(e) => return Err(e),
                }
            }
        }
    }
    // Everyone has logged time this week, whatever day the demo starts on: the week grid a demo
    // login opens has a saved row.
    if let Some(project) = week_project {
        for (user, _, _) in people {
            let entry = EntryForm {
                user_id: Some(user.to_string()),
                project_id: project.to_string(),
                date: week_start(today_d).to_string(),
                duration: "2h".into(),
                note: Some("Réunion de suivi".into()),
                ..Default::default()
            };
            crate::time::log(app, ctx, &entry).await?;
        }
    }
    if let Some(e) = write_off {
        crate::time::write_off(
            app,
            ctx,
            EntryId::from_uuid(e),
            &crate::time::ReasonForm {
                reason: "our_error".into(),
                note: Some("Régression introduite par nous".into()),
            },
        )
        .await?;
    }
    // Weeks before the last two are approved and locked.
    let last = week_start(today_d)
        .checked_sub(jiff::Span::new().weeks(2))
        .unwrap_or(today_d);
    for (user, _, _) in people {
        let mut w = week_start(first_month);
        while w < last {
            crate::time::set_week_approved(
                app,
                ctx,
                UserId::from_uuid(*user),
                &w.to_string(),
                true,
            )
            .await?;
            w = w.checked_add(jiff::Span::new().weeks(1)).unwrap_or(last);
        }
    }
    Ok(())
}

const NOTES: &[&str] = &[
    "Réunion de suivi",
    "Intégration des retours client",
    "Corrections après recette",
    "Rédaction des contenus",
    "Appel avec le client",
    "Maquettes des pages",
    "Mise en production",
    "Support et questions",
];
