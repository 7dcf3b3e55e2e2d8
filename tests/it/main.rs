//! The one integration test binary.

mod check;
mod ledger;
mod cli;
mod samples;
mod feedback;
mod hostile;
mod nothing_lost;
mod properties;
mod support;
mod template;
mod upgrade;
mod roster;
mod status;
mod watch;
