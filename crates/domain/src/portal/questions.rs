//! Questions contacts ask on anything they see (an invoice or one of its lines, a deliverable,
//! a change request, a project): their states, what they are about, and the KPIs computed from
//! them — questions per invoice, median first response (business minutes), share of invoices
//! questioned.
use crate::projects::engagement::str_enum;

str_enum!(
    /// Open until staff answer; answered; resolved (by staff, possibly by a credit note). A
    /// contact's new message reopens an answered question.
    QuestionStatus { Open = "open", Answered = "answered", Resolved = "resolved" }
);
str_enum!(
    /// What a question is about.
    Subject {
        Invoice = "invoice",
        InvoiceLine = "invoice_line",
        Deliverable = "deliverable",
        ChangeRequest = "change_request",
        Project = "project",
    }
);

impl Subject {
    /// Questions on an invoice or one of its lines are billing questions (billing contacts).
    pub fn is_billing(self) -> bool {
        matches!(self, Subject::Invoice | Subject::InvoiceLine)
    }
}

/// The longest message of a thread, in characters.
pub const MAX_MESSAGE: usize = 5000;
/// The longest title, in characters.
pub const MAX_TITLE: usize = 200;

/// The median of first response times (business minutes), the mean of the two middle values
/// for an even count, rounded down; `None` without any.
pub fn median_minutes(values: &[i64]) -> Option<i64> {
    let mut v = values.to_vec();
    v.sort_unstable();
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => v.get(n / 2).copied(),
        _ => Some((v.get(n / 2 - 1)? + v.get(n / 2)?).div_euclid(2)),
    }
}

/// Question KPIs over a set of invoices and the questions asked on them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct QuestionKpis {
    pub invoices: i64,
    pub questions: i64,
    pub invoices_questioned: i64,
    /// Median first response in business minutes, over questions answered.
    pub median_first_response: Option<i64>,
}

impl QuestionKpis {
    /// Questions per invoice (×100 to keep two decimals as an integer), `None` without invoices.
    pub fn per_invoice_x100(&self) -> Option<i64> {
        (self.invoices > 0).then(|| self.questions * 100 / self.invoices)
    }
    /// Share of invoices questioned, in percent rounded down, `None` without invoices.
    pub fn share_questioned_pct(&self) -> Option<i64> {
        (self.invoices > 0).then(|| self.invoices_questioned * 100 / self.invoices)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median_minutes(&[]), None);
        assert_eq!(median_minutes(&[30]), Some(30));
        assert_eq!(median_minutes(&[90, 10, 30]), Some(30));
        assert_eq!(median_minutes(&[90, 10, 30, 41]), Some(35));
    }

    #[test]
    fn ratios_need_invoices() {
        let k = QuestionKpis {
            invoices: 8,
            questions: 3,
            invoices_questioned: 2,
            median_first_response: Some(45),
        };
        assert_eq!(k.per_invoice_x100(), Some(37));
        assert_eq!(k.share_questioned_pct(), Some(25));
        assert_eq!(QuestionKpis::default().share_questioned_pct(), None);
    }
}
