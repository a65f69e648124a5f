//! The invoicing module's rules (issue 10), pure: VAT categories and their legal mentions, line
//! and document totals under EN 16931's rounding, gapless document numbers and the hash chain of
//! issued documents, a draft's time lines from the work, the Factur-X XML, the legal checks of
//! an invoice's parties, and payments with receivables. Storage, issuing and documents build on
//! these.
pub mod chain;
pub mod draft;
pub mod facturx;
pub mod mentions;
pub mod numbering;
pub mod payments;
pub mod permissions;
pub mod shares;
pub mod states;
pub mod totals;
