//! `taizhang rules`: the rules a run would use, in Chinese.

use anyhow::Result;
use std::path::Path;

pub fn run(rules: Option<&Path>) -> Result<u8> {
    for line in super::load_rules(rules)?.describe() {
        println!("{line}");
    }
    Ok(0)
}
