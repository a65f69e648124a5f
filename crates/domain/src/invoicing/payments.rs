//! Payments and receivables (issue 10): an issued invoice's status from what was paid and
//! credited, the checks a payment passes, unpaid balances by age, and days sales outstanding.
use crate::Invalid;
use crate::validate::Checker;

crate::projects::engagement::str_enum!(
    /// An invoice's status, derived from its facts, never stored apart from them.
    Status {
        Draft = "draft",
        Issued = "issued",
        Sent = "sent",
        PartiallyPaid = "partially_paid",
        Paid = "paid",
        Overdue = "overdue",
        Credited = "credited",
        Cancelled = "cancelled",
    }
);

/// What decides a status; amounts in minor units, days `YYYYMMDD`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Facts {
    pub issued: bool,
    /// A draft deleted or abandoned (consumes no number).
    pub cancelled: bool,
    pub sent: bool,
    pub gross: i64,
    pub paid: i64,
    /// By credit notes.
    pub credited: i64,
    pub due_on: Option<i32>,
    pub today: i32,
}

impl Facts {
    /// What is still owed.
    pub fn balance(&self) -> i64 {
        self.gross
            .saturating_sub(self.paid)
            .saturating_sub(self.credited)
    }
}

/// The status: cancelled and draft first; an invoice credited in full is credited, one with
/// nothing left to pay is paid; past its due date with something owed it is overdue (partly
/// paid or not); else partly paid, sent or issued.
pub fn status(f: &Facts) -> Status {
    if f.cancelled {
        return Status::Cancelled;
    }
    if !f.issued {
        return Status::Draft;
    }
    if f.credited >= f.gross && f.gross > 0 {
        return Status::Credited;
    }
    let balance = f.balance();
    if balance <= 0 {
        return Status::Paid;
    }
    if f.due_on.is_some_and(|d| d < f.today) {
        return Status::Overdue;
    }
    if f.paid > 0 {
        Status::PartiallyPaid
    } else if f.sent {
        Status::Sent
    } else {
        Status::Issued
    }
}

/// A payment as recorded against an invoice.
#[derive(Clone, Copy, Debug)]
pub struct Payment<'a> {
    pub amount: i64,
    pub currency: &'a str,
    /// `YYYYMMDD`.
    pub date: i32,
}

/// Whether `p` may be recorded on an issued invoice in `currency`, issued on `issued_on`, with
/// `balance` left to pay; every problem named at once.
pub fn check_payment(
    p: &Payment<'_>,
    currency: &str,
    issued_on: i32,
    balance: i64,
    today: i32,
) -> Result<(), Invalid> {
    let mut c = Checker::new();
    if p.amount <= 0 {
        c.add("amount", "err-payment-positive");
    } else if p.amount > balance {
        c.add("amount", "err-payment-over-balance");
    }
    if !p.currency.trim().eq_ignore_ascii_case(currency) {
        c.add("currency", "err-payment-currency");
    }
    if p.date < issued_on {
        c.add("date", "err-payment-before-invoice");
    } else if p.date > today {
        c.add("date", "err-payment-future");
    }
    c.finish()
}

/// The billing error rate: credit notes for a billing error ÷ invoices issued, as a fraction;
/// `None` without invoices (no data, never 0).
pub fn error_rate(errors: i64, invoices: i64) -> Option<rust_decimal::Decimal> {
    (invoices > 0)
        .then(|| rust_decimal::Decimal::from(errors) / rust_decimal::Decimal::from(invoices))
}

/// Days between two `YYYYMMDD` days (`to − from`); `None` for a day that is not a date.
pub fn days_between(from: i32, to: i32) -> Option<i64> {
    let d = |k: i32| {
        jiff::civil::Date::new(
            i16::try_from(k / 10_000).ok()?,
            i8::try_from(k / 100 % 100).ok()?,
            i8::try_from(k % 100).ok()?,
        )
        .ok()
    };
    let span = d(from)?.until(d(to)?).ok()?;
    Some(i64::from(span.get_days()))
}

/// Unpaid balances by days past due on `today`: not yet due, 1–30, 31–60, 61–90, over 90.
pub fn ageing(today: i32, unpaid: &[(i32, i64)]) -> Option<[i64; 5]> {
    let mut out = [0i64; 5];
    for (due, balance) in unpaid {
        let late = days_between(*due, today)?;
        let i = match late {
            ..=0 => 0,
            1..=30 => 1,
            31..=60 => 2,
            61..=90 => 3,
            _ => 4,
        };
        if let Some(slot) = out.get_mut(i) {
            *slot = slot.checked_add(*balance)?;
        }
    }
    Some(out)
}

/// Days sales outstanding over a period of `days`: receivables ÷ sales invoiced in the period ×
/// days, rounded to the day; `None` without sales.
pub fn dso(receivables: i64, sales: i64, days: i64) -> Option<i64> {
    if sales <= 0 {
        return None;
    }
    let v = i128::from(receivables) * i128::from(days);
    let s = i128::from(sales);
    // Rounded half up (both non-negative in practice).
    i64::try_from((2 * v + s) / (2 * s)).ok()
}

#[cfg(test)]
mod error_rate_tests {
    use super::error_rate;

    #[test]
    fn the_error_rate_is_errors_over_invoices_and_none_without_invoices() {
        assert_eq!(error_rate(1, 4).map(|r| r.to_string()), Some("0.25".into()));
        assert_eq!(error_rate(0, 0), None);
        assert_eq!(error_rate(0, 3).map(|r| r.is_zero()), Some(true));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn facts() -> Facts {
        Facts {
            issued: true,
            gross: 120_000,
            due_on: Some(20260430),
            today: 20260415,
            ..Facts::default()
        }
    }

    #[test]
    fn statuses_follow_payments_credits_and_the_due_date() {
        assert_eq!(
            status(&Facts {
                issued: false,
                ..facts()
            }),
            Status::Draft
        );
        assert_eq!(
            status(&Facts {
                cancelled: true,
                ..facts()
            }),
            Status::Cancelled
        );
        assert_eq!(status(&facts()), Status::Issued);
        assert_eq!(
            status(&Facts {
                sent: true,
                ..facts()
            }),
            Status::Sent
        );
        assert_eq!(
            status(&Facts {
                paid: 20_000,
                ..facts()
            }),
            Status::PartiallyPaid
        );
        assert_eq!(
            status(&Facts {
                paid: 20_000,
                today: 20260501,
                ..facts()
            }),
            Status::Overdue
        );
        assert_eq!(
            status(&Facts {
                paid: 100_000,
                credited: 20_000,
                ..facts()
            }),
            Status::Paid
        );
        assert_eq!(
            status(&Facts {
                credited: 120_000,
                ..facts()
            }),
            Status::Credited
        );
        // Due today is not overdue yet.
        assert_eq!(
            status(&Facts {
                today: 20260430,
                ..facts()
            }),
            Status::Issued
        );
    }

    #[test]
    fn payments_are_checked_field_by_field() {
        let ok = Payment {
            amount: 50_000,
            currency: "EUR",
            date: 20260410,
        };
        assert_eq!(
            check_payment(&ok, "EUR", 20260331, 120_000, 20260415),
            Ok(())
        );
        let bad = Payment {
            amount: 130_000,
            currency: "USD",
            date: 20260301,
        };
        let e = check_payment(&bad, "EUR", 20260331, 120_000, 20260415).unwrap_err();
        let got: Vec<(&str, &str)> = e.0.iter().map(|f| (f.field.as_str(), f.code)).collect();
        assert_eq!(
            got,
            vec![
                ("amount", "err-payment-over-balance"),
                ("currency", "err-payment-currency"),
                ("date", "err-payment-before-invoice"),
            ]
        );
        let zero = Payment {
            amount: 0,
            currency: "eur",
            date: 20260416,
        };
        let e = check_payment(&zero, "EUR", 20260331, 120_000, 20260415).unwrap_err();
        let got: Vec<&str> = e.0.iter().map(|f| f.code).collect();
        assert_eq!(got, vec!["err-payment-positive", "err-payment-future"]);
    }

    #[test]
    fn receivables_by_age_and_days_sales_outstanding() {
        assert_eq!(days_between(20260228, 20260301), Some(1));
        assert_eq!(days_between(20261231, 20270101), Some(1));
        assert_eq!(days_between(20260230, 20260301), None);
        // Due in the future, 1, 30, 31, 90 and 91 days late on 2026-06-30.
        let unpaid = [
            (20260701, 1),
            (20260629, 10),
            (20260531, 100),
            (20260530, 1_000),
            (20260401, 10_000),
            (20260331, 100_000),
        ];
        assert_eq!(
            ageing(20260630, &unpaid),
            Some([1, 110, 1_000, 10_000, 100_000])
        );
        // 30 000 owed on 90 000 invoiced over 90 days: 30 days.
        assert_eq!(dso(30_000, 90_000, 90), Some(30));
        assert_eq!(dso(10_000, 30_000, 31), Some(10));
        assert_eq!(dso(1, 0, 30), None);
    }
}
