//! The SessionManager's methods, one file per kind of work; the manager's state and the helpers they
//! share are in `sessions/mod.rs`.

mod host;
mod housekeeping;
mod membership;
mod relay;
pub mod takeover;

pub use host::Commanded;
pub use housekeeping::Sweep;
pub use membership::{Departure, ResumeOutcome};
