//! `taizhang rules`: the rules a run would use, in Chinese.

use anyhow::Result;
use std::path::Path;

pub fn run(rules: Option<&Path>) -> Result<u8> {
    let rules = super::load_rules(rules)?;
    for line in rules.describe() {
        println!("{line}");
    }
    println!("{}", rules.describe_deadlines());
    println!("{}", rules.describe_evaluation());
    Ok(0)
}
