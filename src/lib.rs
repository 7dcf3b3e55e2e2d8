//! taizhang (台账): the county organization department's classification ledger.
//!
//! Data flows one way: discover → read → locate → normalize → validate → classify →
//! consolidate → write. Each stage is a module with a function from typed input to typed
//! output; none prints, and findings are returned as [`Issue`] values.

pub mod cellref;
pub mod check;
pub mod dates;
pub mod discover;
pub mod form;
pub mod issue;
pub mod layout;
pub mod ledger;
pub mod marker;
pub mod memory;
pub mod normalize;
pub mod output;
pub mod schema;

pub use issue::{Code, Issue, Severity};
pub mod attribution;
// The test-form generator: tests, examples and benches only (`builder` feature, which the
// crate's dev-dependency on itself turns on; never in the released binary).
#[cfg(feature = "builder")]
pub mod builder;
pub mod feedback;
pub mod read;
pub mod report;
pub mod roster;
pub mod rules;
pub mod save;
pub mod scratch;
pub mod stage;
pub mod status;
pub mod template;
pub mod upgrade;
pub mod validate;
pub mod watch;
