//! A ticket's status, priority, type, tier and channel, and which status moves are allowed.

use crate::projects::engagement::str_enum;

str_enum!(
    /// Where a ticket stands.
    Status {
        New = "new",
        Open = "open",
        WaitingCustomer = "waiting_customer",
        WaitingThirdParty = "waiting_third_party",
        Resolved = "resolved",
        Closed = "closed",
    }
);

str_enum!(
    /// How urgent a ticket is; SLA targets are set per priority.
    Priority {
        Low = "low",
        Normal = "normal",
        High = "high",
        Urgent = "urgent",
    }
);

str_enum!(
    /// What a ticket is about.
    TicketType {
        Question = "question",
        Incident = "incident",
        Request = "request",
        Complaint = "complaint",
        BillingError = "billing_error",
    }
);

str_enum!(
    /// Who holds a ticket: first line, or second line after an escalation.
    Tier {
        First = "first",
        Second = "second",
    }
);

str_enum!(
    /// Where a ticket came from.
    Channel {
        Portal = "portal",
        WebForm = "web_form",
        Email = "email",
        Phone = "phone",
        Chat = "chat",
        Api = "api",
    }
);

impl Status {
    /// The SLA clocks stop while the ticket waits on someone outside the team.
    pub fn pauses_sla(self) -> bool {
        matches!(self, Status::WaitingCustomer | Status::WaitingThirdParty)
    }

    /// Resolved or closed: no longer in the backlog.
    pub fn is_done(self) -> bool {
        matches!(self, Status::Resolved | Status::Closed)
    }

    /// Whether an agent may move a ticket from `self` to `to`. A closed ticket never moves (a
    /// reply to it opens a new linked ticket); nothing goes back to `new`; a resolved ticket
    /// reopens to `open` (or is closed).
    pub fn may_become(self, to: Status) -> bool {
        use Status::*;
        if self == to {
            return false;
        }
        match (self, to) {
            (Closed, _) | (_, New) => false,
            (Resolved, Open | Closed) => true,
            (Resolved, _) => false,
            (_, Closed) => false,
            _ => true,
        }
    }

    /// The status after a customer's reply: a ticket waiting on them, or resolved, opens again;
    /// `None` for a closed ticket (the reply becomes a new linked ticket).
    pub fn on_customer_reply(self) -> Option<Status> {
        use Status::*;
        match self {
            Closed => None,
            New => Some(New),
            WaitingCustomer | Resolved => Some(Open),
            other => Some(other),
        }
    }
}
