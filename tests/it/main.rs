//! The one integration test binary.

mod check;
mod clerk_files;
mod cli;
mod decisions;
mod feedback;
mod hostile;
mod imports;
mod ledger;
mod nothing_lost;
mod overdue;
mod overwrite;
mod parts;
mod print;
mod problems;
mod properties;
mod ranking;
mod rectify;
mod roster;
mod samples;
mod serve;
mod stage;
mod status;
mod support;
mod template;
mod upgrade;
mod watch;
