//! The `taizhang` binary: parse arguments, call the library, map the outcome to an exit code.

use anyhow::{Context, Result};
use clap::Parser;
use std::process::ExitCode;
use taizhang::check::{self, CheckOptions};
use taizhang::{report, rules::Rules, template};

mod cli;
use cli::{Cli, Command, Format};

/// Exit codes: 0 fine, 1 errors found in the forms, 2 usage error or a file that cannot be read.
const EXIT_FINDINGS: u8 = 1;
const EXIT_FAILURE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

fn load_rules(path: Option<&std::path::Path>) -> Result<Rules> {
    Ok(match path {
        Some(p) => Rules::load(p)?,
        None => Rules::embedded(),
    })
}

fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Template { out } => {
            std::fs::create_dir_all(&out).with_context(|| format!("无法创建目录 {}", out.display()))?;
            let path = template::write_template(&out, &template::TemplateOptions::default())?;
            println!("已生成调查表：{}", path.display());
            Ok(0)
        }
        Command::Check { files, format, feedback, rules } => {
            let options = CheckOptions { rules: load_rules(rules.as_deref())?, ..CheckOptions::default() };
            let reports = check::check_files(&files, &options);
            match format {
                Format::Text => print!("{}", report::check_text(&reports)),
                Format::Json => println!("{}", report::check_json(&reports)),
            }
            if let Some(dir) = feedback {
                let _ = dir; // feedback workbooks: see taizhang::feedback
            }
            Ok(if reports.iter().any(|r| r.is_unreadable()) {
                EXIT_FAILURE
            } else if reports.iter().any(|r| r.errors() > 0) {
                EXIT_FINDINGS
            } else {
                0
            })
        }
        Command::Rules { rules } => {
            for line in load_rules(rules.as_deref())?.describe() {
                println!("{line}");
            }
            Ok(0)
        }
        Command::Codes => {
            print!("{}", taizhang::issue::code_table_markdown());
            Ok(0)
        }
    }
}
