//! Billed value by project and work month: how an issued document's net is attributed to the
//! months whose work it bills, so that the radar's realisation (billed value / billable value at
//! standard rates) and unbilled work in progress (earned revenue − billed value) compare like
//! with like (decision 83).
//!
//! - A line with a project and what it bills is split over the work months of its items, in
//!   proportion to the items' amounts (their minutes when every amount is zero).
//! - A project line billing nothing (a capped line, a manual line of the project) is spread over
//!   the months of that project's other lines on the document, in proportion to their shares, or
//!   falls on the document's fallback month (its period's last month) when there are none.
//! - Lines without a project (manual lines) bill no work and have no share.
//! - A credit note takes back the same fraction of every share of its invoice: share × credit
//!   net ÷ invoice net; a full credit note takes back every share exactly.
//!
//! Every split uses the largest-remainder method, so the shares of a line sum exactly to its net.
use std::collections::BTreeMap;
use uuid::Uuid;

/// One share: (project, work month `YYYYMM`) → amount in minor units (negative for a credit).
pub type Shares = BTreeMap<(Uuid, i32), i64>;

/// One line as the attribution sees it.
#[derive(Clone, Debug, Default)]
pub struct ShareLine {
    pub project: Option<Uuid>,
    pub net: i64,
    /// What the line bills: (work month, amount, minutes).
    pub items: Vec<(i32, i64, i64)>,
}

/// Splits `total` over `weights` in proportion (largest remainder; ties to the first). Weights
/// must be non-negative; when they sum to zero the whole total goes to the first key. The parts
/// sum exactly to `total`.
pub fn split<K: Copy + Ord>(total: i64, weights: &[(K, i64)]) -> Vec<(K, i64)> {
    let sum: i128 = weights.iter().map(|(_, w)| i128::from((*w).max(0))).sum();
    if sum == 0 {
        return weights
            .iter()
            .enumerate()
            .map(|(i, (k, _))| (*k, if i == 0 { total } else { 0 }))
            .collect();
    }
    let t = i128::from(total);
    // (position, key, floor part, remainder)
    let mut parts: Vec<(usize, K, i128, i128)> = weights
        .iter()
        .enumerate()
        .map(|(i, (k, w))| {
            let num = t * i128::from((*w).max(0));
            (i, *k, num.div_euclid(sum), num.rem_euclid(sum))
        })
        .collect();
    let given: i128 = parts.iter().map(|p| p.2).sum();
    let mut left = t - given;
    // The largest remainders take one more unit each; ties to the first.
    parts.sort_by(|a, b| b.3.cmp(&a.3).then(a.0.cmp(&b.0)));
    for p in parts.iter_mut() {
        if left <= 0 {
            break;
        }
        p.2 += 1;
        left -= 1;
    }
    parts.sort_by_key(|p| p.0);
    parts
        .into_iter()
        .map(|(_, k, v, _)| (k, i64::try_from(v).unwrap_or(0)))
        .collect()
}

fn add(out: &mut Shares, key: (Uuid, i32), v: i64) {
    let e = out.entry(key).or_default();
    *e = e.saturating_add(v);
}

/// The shares of an issued invoice's lines; `fallback_month` takes what has no month to go to.
pub fn of_invoice(lines: &[ShareLine], fallback_month: i32) -> Shares {
    let mut out = Shares::new();
    let mut orphans: Vec<(Uuid, i64)> = Vec::new();
    for l in lines {
        let Some(p) = l.project else { continue };
        if l.net == 0 && l.items.iter().all(|i| i.1 == 0) {
            continue;
        }
        if l.items.is_empty() {
            orphans.push((p, l.net));
            continue;
        }
        let by_amount = l.items.iter().any(|i| i.1 != 0);
        let weights: Vec<(i32, i64)> = l
            .items
            .iter()
            .map(|(m, amount, minutes)| (*m, if by_amount { *amount } else { *minutes }))
            .collect();
        for (m, v) in split(l.net, &weights) {
            add(&mut out, (p, m), v);
        }
    }
    for (p, net) in orphans {
        let weights: Vec<((Uuid, i32), i64)> = out
            .iter()
            .filter(|((q, _), v)| *q == p && **v > 0)
            .map(|(k, v)| (*k, *v))
            .collect();
        if weights.is_empty() {
            add(&mut out, (p, fallback_month), net);
        } else {
            for (k, v) in split(net, &weights) {
                add(&mut out, k, v);
            }
        }
    }
    out.retain(|_, v| *v != 0);
    out
}

/// The shares a credit note of `credit_net` (positive, what it credits) takes back from an
/// invoice of `invoice_net` with `invoice` shares: negative amounts.
pub fn of_credit(invoice: &Shares, invoice_net: i64, credit_net: i64) -> Shares {
    if invoice_net <= 0 || credit_net <= 0 {
        return Shares::new();
    }
    let credit = credit_net.min(invoice_net);
    let mut out = Shares::new();
    for (k, v) in invoice {
        let num = i128::from(*v) * i128::from(credit);
        // Half away from zero, so a full credit (credit == invoice) is exact.
        let d = i128::from(invoice_net);
        let q = (num.abs() * 2 + d).div_euclid(2 * d) * num.signum();
        let q = i64::try_from(q).unwrap_or(0);
        if q != 0 {
            out.insert(*k, -q);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    #[test]
    fn split_sums_to_the_total_and_follows_weights() {
        let parts = split(100, &[(1, 1), (2, 1), (3, 1)]);
        assert_eq!(parts, vec![(1, 34), (2, 33), (3, 33)]);
        let parts = split(-100, &[(1, 1), (2, 3)]);
        assert_eq!(parts, vec![(1, -25), (2, -75)]);
        assert_eq!(split(7, &[(1, 0), (2, 0)]), vec![(1, 7), (2, 0)]);
        for total in [-1_000_003_i64, -1, 0, 1, 999, 10_000_000_000] {
            let w = [(1, 3), (2, 7), (3, 11), (4, 0)];
            let s: i64 = split(total, &w).iter().map(|x| x.1).sum();
            assert_eq!(s, total);
        }
    }

    #[test]
    fn time_line_goes_to_its_entries_months_and_capped_line_follows_the_project() {
        let lines = vec![
            ShareLine {
                project: Some(p(1)),
                net: 30_000,
                items: vec![(202609, 10_000, 60), (202610, 20_000, 120)],
            },
            ShareLine {
                project: Some(p(1)),
                net: -3_000,
                items: vec![],
            },
            ShareLine {
                project: None,
                net: 5_000,
                items: vec![],
            },
            ShareLine {
                project: Some(p(2)),
                net: 8_000,
                items: vec![],
            },
        ];
        let s = of_invoice(&lines, 202611);
        assert_eq!(s[&(p(1), 202609)], 9_000);
        assert_eq!(s[&(p(1), 202610)], 18_000);
        assert_eq!(s[&(p(2), 202611)], 8_000);
        assert_eq!(s.len(), 3);
    }

    #[test]
    fn free_lines_and_zero_lines_have_no_share() {
        let lines = vec![ShareLine {
            project: Some(p(1)),
            net: 0,
            items: vec![(202609, 0, 60)],
        }];
        assert!(of_invoice(&lines, 202611).is_empty());
    }

    #[test]
    fn credit_takes_back_a_fraction_and_a_full_credit_everything() {
        let mut inv = Shares::new();
        inv.insert((p(1), 202609), 6_001);
        inv.insert((p(2), 202610), 3_999);
        let full = of_credit(&inv, 10_000, 10_000);
        assert_eq!(full[&(p(1), 202609)], -6_001);
        assert_eq!(full[&(p(2), 202610)], -3_999);
        let part = of_credit(&inv, 12_000, 1_200);
        assert_eq!(part[&(p(1), 202609)], -600);
        assert_eq!(part[&(p(2), 202610)], -400);
        assert!(of_credit(&inv, 0, 100).is_empty());
    }
}
