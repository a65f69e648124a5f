//! The invoicing module's rows of the permission table: who reads and writes invoices, credit
//! notes and payments, and who sets the seller's data. Invoices are money: staff see none.
//! Every row is explicit, owners' included; anything not listed is refused.
use crate::Role;
use crate::permissions::Principal;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InvoicingAction {
    /// Invoices, credit notes, payments, receivables and the accountant's export (read).
    Read,
    /// Drafts: build from the work, edit, cancel; issue; credit notes; payments; send.
    Write,
    /// The seller's data, numbering, VAT options, reminders, account codes and logo.
    Settings,
}

impl InvoicingAction {
    /// Every action of the module (the permission table's tests walk them).
    pub const ALL: &[InvoicingAction] = &[
        InvoicingAction::Read,
        InvoicingAction::Write,
        InvoicingAction::Settings,
    ];

    /// Whether `who` may do this.
    pub fn allowed(self, who: Principal) -> bool {
        #[allow(clippy::match_like_matches_macro)]
        match (self, who) {
            (InvoicingAction::Read, Principal::Staff(Role::Owner | Role::Manager)) => true,
            (InvoicingAction::Write, Principal::Staff(Role::Owner | Role::Manager)) => true,
            (InvoicingAction::Settings, Principal::Staff(Role::Owner)) => true,
            _ => false,
        }
    }
}
