//! The `taizhang` binary: parse arguments, hand each command to its module in [`cmd`], map the
//! outcome to an exit code.

use anyhow::Result;
use std::process::ExitCode;

mod cli;
mod cmd;
use cli::{Cli, Command};

fn main() -> ExitCode {
    end_quietly_on_a_closed_pipe();
    taizhang::ledger::writer::quiet_writer_panics();
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let command = cli::command();
    if let Some(dropped) = cmd::dropped::Dropped::of(&args, &command) {
        let code = exit_code(dropped.run(&command));
        cmd::dropped::wait_for_enter();
        return code;
    }
    let code = match parse(command) {
        Ok(cli) => exit_code(run(cli)),
        Err(code) => code,
    };
    if args.is_empty() {
        // Opened with a double click: the help stays on screen until it is read.
        cmd::dropped::wait_for_enter();
    }
    code
}

/// A command's outcome as an exit code, its error printed (in Chinese) first.
fn exit_code(outcome: Result<u8>) -> ExitCode {
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            // A rules file's own message is complete (path, line, what is wrong, in Chinese);
            // the TOML parser's English source would only add noise.
            if let Some(rules_error) = e.downcast_ref::<taizhang::rules::RulesError>() {
                eprintln!("错误：{rules_error}");
            } else if let Some(roster_error) = e.downcast_ref::<taizhang::roster::RosterError>() {
                // Like a rules file's, a roster's message names the file, the row and the fix.
                eprintln!("错误：{roster_error}");
            } else {
                eprintln!("错误：{}", error_text(&e));
            }
            ExitCode::from(cmd::EXIT_FAILURE)
        }
    }
}

/// The command line parsed; its help, version or usage error printed (in Chinese) when that is
/// all there is to do.
fn parse(mut command: clap::Command) -> Result<Cli, ExitCode> {
    use clap::error::ErrorKind;
    use clap::FromArgMatches;
    let matches = command.try_get_matches_from_mut(std::env::args_os());
    let error = match matches.and_then(|m| Cli::from_arg_matches(&m)) {
        Ok(cli) => return Ok(cli),
        Err(error) => error,
    };
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            error.print().ok();
            Err(ExitCode::SUCCESS)
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
            eprint!("{}", command.render_help());
            Err(ExitCode::from(cmd::EXIT_FAILURE))
        }
        _ => {
            let typed = std::env::args_os().nth(1).unwrap_or_default();
            let sub = (command.get_subcommands()).find(|s| typed == s.get_name());
            cli::usage_error(&cli::error_text(&error), sub.unwrap_or(&command));
            Err(ExitCode::from(cmd::EXIT_FAILURE))
        }
    }
}

/// An error and its causes, each said once: a cause already in the text before it is left out,
/// and an operating-system error is said in Chinese ([`taizhang::os_error`]), never in the
/// system's words.
fn error_text(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    for cause in e.chain().skip(1) {
        let part = match cause.downcast_ref::<std::io::Error>() {
            Some(io) => taizhang::os_error::sentence(io),
            None => cause.to_string(),
        };
        if !text.contains(&part) {
            text.push_str(&format!("：{part}"));
        }
    }
    text
}

/// `taizhang codes | head`: when the reader of our output goes away, stop as other command-line
/// tools do, not with a panic about printing (Rust ignores SIGPIPE, so `println!` fails).
fn end_quietly_on_a_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any thread starts; restores the default
    // action of one signal.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Template(args) => cmd::template::run(&args),
        Command::Check {
            files,
            format,
            feedback,
            rules,
            stage,
        } => cmd::check::run(&files, format, feedback.as_deref(), rules.as_deref(), stage),
        Command::Ledger(args) => cmd::ledger::run(&args),
        Command::Status {
            inbox,
            submissions,
            rules,
            format,
        } => cmd::status::run(&inbox, &submissions, rules.as_deref(), format),
        Command::Watch {
            inbox,
            out,
            submissions,
            count_unlisted,
            feedback,
            rules,
            decisions,
        } => cmd::watch::run(
            (inbox, out),
            &submissions,
            (count_unlisted, decisions),
            feedback,
            rules.as_deref(),
        ),
        Command::Serve(args) => cmd::serve::run(&args),
        Command::Upgrade(args) => cmd::upgrade::run(&args),
        Command::Rectify(args) => cmd::rectify::run(&args),
        Command::Rules { rules } => cmd::rules::run(rules.as_deref()),
        Command::Codes { format } => cmd::codes::run(format),
    }
}
