//! States as database columns: each is stored as its text (`as_str`) and read back with `parse`,
//! so a row arrives typed and a value that is not one of its states fails the read, never a
//! silent default (issue 9 §2). Only with the `sqlx` feature, which the store turns on.
use crate::desk::states::{Channel, Priority, Status as TicketStatus, TicketType, Tier};
use crate::invoicing::draft::Grouping;
use crate::invoicing::states::{
    CreditReason, DocKind, DocStatus, ItemKind, LineKind, PaymentMethod,
};
use crate::invoicing::totals::Vat;
use crate::money::Currency;
use crate::people::{ContactRole, Language, Role, UserKind};
use crate::portal::questions::{QuestionStatus, Subject};
use crate::projects::engagement::{
    BillingModel, ChangeStatus, DeliverableStatus, FixedRevenue, FreeReason, RolloverKind, Scope,
};
use crate::time::{EntrySource, Rounding};

macro_rules! stored_as_text {
    ($($t:ty),* $(,)?) => {$(
        impl<DB: sqlx::Database> sqlx::Type<DB> for $t
        where
            String: sqlx::Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <String as sqlx::Type<DB>>::type_info()
            }
            fn compatible(ty: &DB::TypeInfo) -> bool {
                <String as sqlx::Type<DB>>::compatible(ty)
            }
        }

        impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for $t
        where
            &'r str: sqlx::Decode<'r, DB>,
        {
            fn decode(
                value: <DB as sqlx::Database>::ValueRef<'r>,
            ) -> Result<Self, sqlx::error::BoxDynError> {
                let s = <&'r str as sqlx::Decode<'r, DB>>::decode(value)?;
                <$t>::parse(s).ok_or_else(|| {
                    format!("stored {} {s:?} is not one of its values", stringify!($t)).into()
                })
            }
        }
    )*};
}

stored_as_text!(
    BillingModel,
    Channel,
    Priority,
    TicketStatus,
    Tier,
    TicketType,
    ChangeStatus,
    ContactRole,
    CreditReason,
    Currency,
    DocKind,
    DocStatus,
    Grouping,
    ItemKind,
    LineKind,
    PaymentMethod,
    Vat,
    DeliverableStatus,
    EntrySource,
    FixedRevenue,
    FreeReason,
    Language,
    QuestionStatus,
    Role,
    RolloverKind,
    Rounding,
    Scope,
    Subject,
    UserKind,
);
