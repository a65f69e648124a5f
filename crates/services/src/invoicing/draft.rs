//! A draft's lines from the recorded work: time lines per project (grouped, within the cap),
//! free work at zero, reached milestones, approved change requests and retainer months, each
//! line with the list of what it bills, in the client's language.
use crate::Result;
use crate::radar::terms_of;
use mesure_domain::invoicing::draft::{self, Billable, Group, Grouping};
use mesure_domain::invoicing::states::{ItemKind, LineKind};
use mesure_domain::invoicing::totals::Vat;
use mesure_domain::projects::engagement::{self, BillingModel, month_of};
use mesure_domain::{Currency, Language, Money, WorkspaceId};
use mesure_i18n::{Arg, t, t_args};
use mesure_store::Conn;
use mesure_store::invoicing::sources::{self, OpenEntry};
use mesure_store::invoicing::{ItemRow, LineRow};
use mesure_store::projects::ProjectRow;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// What a draft is built from.
pub struct Scope<'a> {
    pub ws: WorkspaceId,
    pub invoice: Uuid,
    pub client: Uuid,
    pub from: i32,
    pub to: i32,
    pub currency: Currency,
    pub grouping: Grouping,
    pub free_work: bool,
    pub vat: Vat,
    pub lang: Language,
    pub projects: &'a [ProjectRow],
    pub people: &'a HashMap<Uuid, String>,
    pub deliverables: &'a HashMap<Uuid, String>,
}

/// Hours as a decimal with at most four places (`3.5`, `2.0833`).
pub fn hours(minutes: i64) -> String {
    let h = (Decimal::from(minutes) / Decimal::from(60))
        .round_dp(4)
        .normalize();
    h.to_string()
}

/// `3 h 30` in either language.
pub fn duration(minutes: i64) -> String {
    let (h, m) = (minutes / 60, (minutes % 60).abs());
    if m == 0 {
        format!("{h} h")
    } else {
        format!("{h} h {m:02}")
    }
}

fn day_text(lang: Language, day: i32) -> String {
    engagement::day_from_key(day)
        .map(|d| mesure_i18n::date(lang, d))
        .unwrap_or_default()
}

/// "12 entries, 3 Nov 2026 – 28 Nov 2026".
fn span_detail(lang: Language, n: usize, from: i32, to: i32) -> String {
    let count = i64::try_from(n).unwrap_or(i64::MAX);
    let span = if from == to {
        day_text(lang, from)
    } else {
        format!("{} – {}", day_text(lang, from), day_text(lang, to))
    };
    t_args(
        lang,
        "invoice-detail-entries",
        &[("count", Arg::Num(count)), ("span", Arg::Str(&span))],
    )
}

/// Builds the lines, positions from `first`.
pub async fn lines(
    c: &mut Conn<'_>,
    s: &Scope<'_>,
    first: i32,
) -> Result<(Vec<LineRow>, Vec<ItemRow>)> {
    let mut b = Builder {
        s,
        lines: Vec::new(),
        items: Vec::new(),
        next: first,
    };
    let entries = sources::entries(c, s.ws, s.client, s.from, s.to, s.currency).await?;
    let mut by_project: BTreeMap<Uuid, Vec<OpenEntry>> = BTreeMap::new();
    for e in entries {
        by_project.entry(e.project_id).or_default().push(e);
    }
    for p in s.projects {
        if let Some(es) = by_project.remove(&p.id) {
            // What the cap has left, read only for a capped project (the sum reads every
            // time line of the workspace's documents for the project).
            let left = match p.cap_minor {
                Some(cap) => Some(
                    cap.saturating_sub(sources::cap_used(c, s.ws, p.id).await?)
                        .max(0),
                ),
                None => None,
            };
            b.time(p, &es, left)?;
        }
    }
    for m in sources::milestones(c, s.ws, s.client, s.to, s.currency).await? {
        let name = project_name(s, m.project_id);
        b.push(
            LineKind::Milestone,
            Some(m.project_id),
            t_args(
                s.lang,
                "invoice-line-milestone",
                &[("project", Arg::Str(&name)), ("name", Arg::Str(&m.name))],
            ),
            day_text(s.lang, m.reached_on),
            ("1".into(), "C62"),
            m.amount_minor,
            m.amount_minor,
            0,
            Some((m.reached_on, m.reached_on)),
            vec![(ItemKind::Milestone, m.id, 0, 0, m.amount_minor)],
        );
    }
    deliverable_shares(c, &mut b).await?;
    for ch in sources::changes(c, s.ws, s.client, s.to, s.currency).await? {
        let name = project_name(s, ch.project_id);
        b.push(
            LineKind::Change,
            Some(ch.project_id),
            t_args(
                s.lang,
                "invoice-line-change",
                &[("project", Arg::Str(&name)), ("title", Arg::Str(&ch.title))],
            ),
            ch.decided_on
                .map(|d| day_text(s.lang, d))
                .unwrap_or_default(),
            ("1".into(), "C62"),
            ch.price_minor,
            ch.price_minor,
            0,
            ch.decided_on.map(|d| (d, d)),
            vec![(ItemKind::Change, ch.id, 0, 0, ch.price_minor)],
        );
    }
    for p in s
        .projects
        .iter()
        .filter(|p| p.billing_model == BillingModel::Retainer)
    {
        b.retainer(c, p).await?;
    }
    if s.free_work {
        let free = sources::free_entries(c, s.ws, s.client, s.from, s.to, s.currency).await?;
        b.free(&free);
    }
    Ok((b.lines, b.items))
}

/// Fixed-fee projects earning by accepted deliverables: the deliverables accepted by the period's
/// end and not yet billed bill the price × the accepted estimate share, less what earlier shares
/// billed (cumulative, so the shares of every deliverable sum to the price exactly), one line
/// each, split by estimate.
async fn deliverable_shares(c: &mut Conn<'_>, b: &mut Builder<'_, '_>) -> Result<()> {
    let s = b.s;
    let all =
        mesure_store::invoicing::deliverables::deliverables(c, s.ws, s.client, s.currency).await?;
    let mut by_project: BTreeMap<Uuid, Vec<_>> = BTreeMap::new();
    for d in all {
        by_project.entry(d.project_id).or_default().push(d);
    }
    for (project, ds) in by_project {
        let accepted = |d: &&mesure_store::invoicing::deliverables::ShareDeliverable| {
            d.accepted_on.is_some_and(|a| a <= s.to)
        };
        let new: Vec<_> = ds.iter().filter(accepted).filter(|d| !d.billed).collect();
        if new.is_empty() {
            continue;
        }
        let total: i64 = ds.iter().map(|d| d.estimate_minutes.max(0)).sum();
        let price = ds.first().map_or(0, |d| d.fixed_price_minor);
        if total <= 0 {
            continue;
        }
        let done: i64 = ds
            .iter()
            .filter(accepted)
            .map(|d| d.estimate_minutes.max(0))
            .sum();
        let upto =
            i64::try_from(i128::from(price) * i128::from(done) / i128::from(total)).unwrap_or(0);
        let before = mesure_store::invoicing::deliverables::shares_billed(c, s.ws, project).await?;
        let amount = upto - before;
        if amount <= 0 {
            continue;
        }
        let weights: Vec<(usize, i64)> = new
            .iter()
            .enumerate()
            .map(|(i, d)| (i, d.estimate_minutes.max(0)))
            .collect();
        let name = project_name(s, project);
        for (i, share) in mesure_domain::invoicing::shares::split(amount, &weights) {
            let Some(d) = new.get(i) else { continue };
            let on = d.accepted_on.unwrap_or(s.to);
            b.push(
                LineKind::Milestone,
                Some(project),
                t_args(
                    s.lang,
                    "invoice-line-deliverable",
                    &[("project", Arg::Str(&name)), ("name", Arg::Str(&d.name))],
                ),
                t_args(
                    s.lang,
                    "invoice-detail-deliverable",
                    &[
                        ("day", Arg::Str(&day_text(s.lang, on))),
                        ("hours", Arg::Str(&duration(d.estimate_minutes))),
                        ("total", Arg::Str(&duration(total))),
                    ],
                ),
                ("1".into(), "C62"),
                share,
                share,
                0,
                Some((on, on)),
                vec![(ItemKind::Deliverable, d.id, 0, 0, share)],
            );
        }
    }
    Ok(())
}

/// The first and last day (`YYYYMMDD`) of a month (`YYYYMM`).
pub fn month_days(month: i32) -> (i32, i32) {
    let first = month * 100 + 1;
    let last = engagement::day_from_key(first)
        .map(|d| engagement::day_key(d.last_of_month()))
        .unwrap_or(first);
    (first, last)
}

fn project_name(s: &Scope<'_>, id: Uuid) -> String {
    s.projects
        .iter()
        .find(|p| p.id == id)
        .map(|p| p.name.clone())
        .unwrap_or_default()
}

struct Builder<'a, 'b> {
    s: &'a Scope<'b>,
    lines: Vec<LineRow>,
    items: Vec<ItemRow>,
    next: i32,
}

impl Builder<'_, '_> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        kind: LineKind,
        project: Option<Uuid>,
        description: String,
        detail: String,
        (quantity, unit): (String, &str),
        unit_price: i64,
        net: i64,
        minutes: i64,
        period: Option<(i32, i32)>,
        items: Vec<(ItemKind, Uuid, i32, i64, i64)>,
    ) -> Uuid {
        let id = Uuid::now_v7();
        self.lines.push(LineRow {
            workspace_id: self.s.ws.uuid(),
            id,
            invoice_id: self.s.invoice,
            position: self.next,
            kind,
            project_id: project,
            description,
            detail,
            quantity,
            unit: unit.into(),
            unit_price_minor: unit_price,
            vat: self.s.vat,
            net_minor: net,
            minutes,
            free_value_minor: 0,
            period_from: period.map(|p| p.0),
            period_to: period.map(|p| p.1),
        });
        self.next += 1;
        for (kind, ref_id, month, minutes, amount) in items {
            self.items.push(ItemRow {
                workspace_id: self.s.ws.uuid(),
                line_id: id,
                kind,
                ref_id,
                month,
                invoice_id: self.s.invoice,
                minutes,
                amount_minor: amount,
                released: false,
            });
        }
        id
    }

    fn time(&mut self, p: &ProjectRow, es: &[OpenEntry], cap_left: Option<i64>) -> Result<()> {
        let lang = self.s.lang;
        let billables: Vec<Billable> = es
            .iter()
            .map(|e| Billable {
                id: e.id,
                date: e.work_date,
                person: e.user_id,
                deliverable: e.deliverable_id,
                note: e.note.clone(),
                minutes: e.billed_minutes,
                rate: e.rate_minor,
            })
            .collect();
        let Some((time_lines, capped)) = draft::time_lines(&billables, self.s.grouping, cap_left)
        else {
            return Err(mesure_domain::Invalid::one("period", "err-amount-too-large").into());
        };
        let by_id: HashMap<Uuid, &Billable> = billables.iter().map(|b| (b.id, b)).collect();
        for tl in time_lines {
            let what = match &tl.group {
                Group::Deliverable(Some(d)) => {
                    self.s.deliverables.get(d).cloned().unwrap_or_default()
                }
                Group::Deliverable(None) => t(lang, "invoice-line-outside-deliverables"),
                Group::Person(u) => self.s.people.get(u).cloned().unwrap_or_default(),
                Group::Task(n) if n.is_empty() => t(lang, "invoice-line-no-note"),
                Group::Task(n) => mesure_domain::text::excerpt(n, 200),
                Group::Together => t(lang, "invoice-line-time"),
            };
            let description = format!("{} — {what}", p.name);
            let detail = span_detail(lang, tl.entries.len(), tl.from, tl.to);
            let items = tl
                .entries
                .iter()
                .filter_map(|id| by_id.get(id))
                .map(|b| {
                    (
                        ItemKind::Entry,
                        b.id,
                        0,
                        b.minutes,
                        draft::value(b.minutes, b.rate).unwrap_or(0),
                    )
                })
                .collect();
            self.push(
                LineKind::Time,
                Some(p.id),
                description,
                detail,
                (hours(tl.minutes), "HUR"),
                tl.rate,
                tl.net,
                tl.minutes,
                Some((tl.from, tl.to)),
                items,
            );
        }
        if let Some(c) = capped {
            let cap = Money::from_minor(p.cap_minor.unwrap_or(0), self.s.currency);
            self.push(
                LineKind::Capped,
                Some(p.id),
                t_args(
                    lang,
                    "invoice-line-capped",
                    &[
                        ("project", Arg::Str(&p.name)),
                        ("cap", Arg::Str(&mesure_i18n::money(lang, cap))),
                    ],
                ),
                t_args(
                    lang,
                    "invoice-detail-capped",
                    &[(
                        "count",
                        Arg::Num(i64::try_from(c.entries.len()).unwrap_or(0)),
                    )],
                ),
                ("-1".into(), "C62"),
                c.net.saturating_neg(),
                c.net,
                0,
                None,
                Vec::new(),
            );
        }
        Ok(())
    }

    /// Free entries by reason, at zero, with the value given.
    fn free(&mut self, es: &[OpenEntry]) {
        let lang = self.s.lang;
        let mut by_reason: BTreeMap<String, Vec<&OpenEntry>> = BTreeMap::new();
        for e in es {
            let r = e
                .free_reason
                .map(|r| r.as_str().to_string())
                .unwrap_or_default();
            by_reason.entry(r).or_default().push(e);
        }
        for (reason, es) in by_reason {
            let minutes: i64 = es.iter().map(|e| e.billed_minutes).sum();
            let value: i64 = es
                .iter()
                .map(|e| draft::value(e.billed_minutes, e.rate_minor).unwrap_or(0))
                .sum();
            let reason_text = if reason.is_empty() {
                String::new()
            } else {
                t(lang, &format!("reason-{reason}"))
            };
            let value_text = mesure_i18n::money(lang, Money::from_minor(value, self.s.currency));
            let description = t_args(
                lang,
                "invoice-line-free",
                &[
                    ("duration", Arg::Str(&duration(minutes))),
                    ("value", Arg::Str(&value_text)),
                    ("reason", Arg::Str(&reason_text)),
                ],
            );
            let from = es.iter().map(|e| e.work_date).min().unwrap_or(self.s.from);
            let to = es.iter().map(|e| e.work_date).max().unwrap_or(self.s.to);
            let items = es
                .iter()
                .map(|e| {
                    (
                        ItemKind::Entry,
                        e.id,
                        0,
                        e.billed_minutes,
                        draft::value(e.billed_minutes, e.rate_minor).unwrap_or(0),
                    )
                })
                .collect();
            let id = self.push(
                LineKind::Free,
                None,
                description,
                span_detail(lang, es.len(), from, to),
                (hours(minutes), "HUR"),
                0,
                0,
                minutes,
                Some((from, to)),
                items,
            );
            if let Some(l) = self.lines.iter_mut().find(|l| l.id == id) {
                l.free_value_minor = value;
            }
        }
    }

    /// The retainer's months ending within the period and not yet billed: the fee, and the
    /// overrun the rollover rule makes billable at the project's rate.
    async fn retainer(&mut self, c: &mut Conn<'_>, p: &ProjectRow) -> Result<()> {
        let lang = self.s.lang;
        let rows = mesure_store::radar::totals::project_months(c, self.s.ws, p.id).await?;
        let billed = sources::months_billed(c, self.s.ws, p.id).await?;
        let (first, last) = (month_of(self.s.from), month_of(self.s.to));
        let terms = terms_of(p);
        let walk = engagement::retainer_walk(
            &terms,
            rows.first().map(|r| r.month),
            rows.last().map(|r| r.month),
            last,
            |m| {
                rows.iter()
                    .find(|r| r.month == m)
                    .map(|r| r.billed_minutes)
                    .unwrap_or(0)
            },
        );
        let fee = p.retainer_fee_minor.unwrap_or(0);
        for (month, bal) in walk {
            if month < first || month > last || billed.contains(&month) {
                continue;
            }
            let label = format!("{:04}-{:02}", month / 100, month % 100);
            let days = month_days(month);
            let detail = t_args(
                lang,
                "invoice-detail-retainer",
                &[
                    ("included", Arg::Str(&duration(bal.included.get()))),
                    ("used", Arg::Str(&duration(bal.used.get()))),
                    ("carried", Arg::Str(&duration(bal.carried_out.get()))),
                ],
            );
            self.push(
                LineKind::Retainer,
                Some(p.id),
                t_args(
                    lang,
                    "invoice-line-retainer",
                    &[("project", Arg::Str(&p.name)), ("month", Arg::Str(&label))],
                ),
                detail,
                ("1".into(), "MON"),
                fee,
                fee,
                bal.used.get(),
                Some(days),
                vec![(ItemKind::Month, p.id, month, bal.used.get(), fee)],
            );
            let over = bal.billable_overrun.get();
            if over > 0 {
                let net = draft::value(over, p.hourly_rate_minor).unwrap_or(0);
                self.push(
                    LineKind::Retainer,
                    Some(p.id),
                    t_args(
                        lang,
                        "invoice-line-overrun",
                        &[("project", Arg::Str(&p.name)), ("month", Arg::Str(&label))],
                    ),
                    String::new(),
                    (hours(over), "HUR"),
                    p.hourly_rate_minor,
                    net,
                    over,
                    Some(days),
                    Vec::new(),
                );
            }
        }
        Ok(())
    }
}
