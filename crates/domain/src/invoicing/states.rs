//! The stored states of invoicing: a document's kind and stored status, a line's kind, what a
//! line bills, why a credit note was made, how a payment was made.
use crate::projects::engagement::{serde_as_text, str_enum};

serde_as_text!(crate::invoicing::totals::Vat);
serde_as_text!(crate::invoicing::draft::Grouping);

str_enum!(
    /// An invoice or a credit note (avoir), each with its own number sequence.
    DocKind { Invoice = "invoice", CreditNote = "credit_note" }
);
str_enum!(
    /// The stored life of a document; paid, overdue and the rest are derived from payments,
    /// credits and dates (`payments::status`).
    DocStatus { Draft = "draft", Issued = "issued", Cancelled = "cancelled" }
);
str_enum!(
    /// Where a line comes from.
    LineKind {
        Time = "time",
        Capped = "capped",
        Milestone = "milestone",
        Retainer = "retainer",
        Change = "change",
        Manual = "manual",
        Free = "free",
        Credit = "credit",
    }
);
str_enum!(
    /// What a line bills: a time entry, a milestone, a retainer month of a project, a change
    /// request, an accepted deliverable's share of a fixed price.
    ItemKind {
        Entry = "entry",
        Milestone = "milestone",
        Month = "month",
        Change = "change",
        Deliverable = "deliverable",
    }
);
str_enum!(
    /// Why a credit note was made. The billing errors count as service errors (KPI).
    CreditReason {
        WrongRate = "wrong_rate",
        WrongHours = "wrong_hours",
        Duplicate = "duplicate",
        WrongClient = "wrong_client",
        WrongVat = "wrong_vat",
        Commercial = "commercial",
        Cancellation = "cancellation",
    }
);
str_enum!(
    /// How a payment was made.
    PaymentMethod { Transfer = "transfer", Card = "card", Cheque = "cheque", Cash = "cash", Direct = "direct_debit", Other = "other" }
);

impl CreditReason {
    /// A billing error: a credit note for it is a billing-error event.
    pub fn is_billing_error(self) -> bool {
        !matches!(self, CreditReason::Commercial | CreditReason::Cancellation)
    }
}

impl DocKind {
    /// The document's number prefix setting's default.
    pub fn default_prefix(self) -> &'static str {
        match self {
            DocKind::Invoice => "F",
            DocKind::CreditNote => "AV",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn billing_errors_are_the_five_named_reasons() {
        let errors: Vec<_> = CreditReason::ALL
            .iter()
            .filter(|r| r.is_billing_error())
            .map(|r| r.as_str())
            .collect();
        assert_eq!(
            errors,
            [
                "wrong_rate",
                "wrong_hours",
                "duplicate",
                "wrong_client",
                "wrong_vat"
            ]
        );
        assert_eq!(DocKind::parse("credit_note"), Some(DocKind::CreditNote));
        assert_eq!(DocStatus::parse("paid"), None);
    }
}
