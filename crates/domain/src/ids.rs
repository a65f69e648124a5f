//! Typed identifiers: UUIDv7 made in Rust, one newtype per entity so ids cannot be mixed up.
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

macro_rules! id_type {
    ($($name:ident),* $(,)?) => {$(
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A new time-ordered id.
            pub fn new() -> Self { Self(Uuid::now_v7()) }
            pub fn from_uuid(u: Uuid) -> Self { Self(u) }
            pub fn uuid(self) -> Uuid { self.0 }
            /// Parses the textual form; `None` when it is not a UUID.
            pub fn parse(s: &str) -> Option<Self> { Uuid::parse_str(s.trim()).ok().map(Self) }
        }
        impl Default for $name { fn default() -> Self { Self::new() } }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { self.0.fmt(f) }
        }
    )*};
}

id_type!(
    WorkspaceId,
    UserId,
    ClientId,
    ContactId,
    TokenId,
    JobId,
    AuditId,
    ExportId,
    ProjectId,
    DeliverableId,
    MilestoneId,
    ChangeRequestId,
    EntryId,
    RateId,
    NotificationId,
    ImportId
);
