//! The progress bar of a run in stages (`ledger`, `status`).

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use taizhang::ledger::{Progress, Stage};

/// A progress bar for a run in stages (`ledger`: 读取, then 写出), each stage setting its own
/// length and message; on stderr when it is a terminal, hidden otherwise.
pub fn stage_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    if let Ok(style) = ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} 个文件 {elapsed}")
    {
        bar.set_style(style);
    }
    bar
}

/// Show a ledger run's progress on a [`stage_bar`]: each stage restarts the bar with its
/// number of files; saving (no files to count) turns it into a spinner.
pub fn show_stage(bar: &ProgressBar, progress: Progress) {
    match progress {
        Progress::Start(Stage::Saving, _) => {
            if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {elapsed}") {
                bar.set_style(style);
            }
            bar.set_message("保存台账");
            bar.enable_steady_tick(std::time::Duration::from_millis(200));
        }
        Progress::Start(stage, total) => {
            bar.set_length(total as u64);
            bar.set_position(0);
            bar.set_message(match stage {
                Stage::Reading => "读取",
                Stage::Rating => "评定",
                Stage::Writing | Stage::Saving => "写出",
            });
        }
        Progress::Done => bar.inc(1),
    }
}
