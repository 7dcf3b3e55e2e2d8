//! A return the department sent back, corrected and sent again through the web: the latest
//! arrival counts, whatever 填报日期 the correction carries; and a server running for days
//! checks as of each day.

use super::flows::BAIMA;
use super::*;
use taizhang::builder::{Cell, FormBuilder};

/// 白马镇's form with `orgs` organizations, filled in on 2025-12-`day`.
fn filled_on(day: u32, orgs: usize) -> Vec<u8> {
    FormBuilder::new()
        .orgs(orgs)
        .filled_on(Cell::date(2025, 12, day))
        .to_bytes()
        .unwrap()
}

/// 白马镇's line in 报送情况 now.
fn baima(app: &Arc<App>) -> taizhang::status::UnitStatus {
    let status = app.status().unwrap();
    status.units.into_iter().find(|u| u.code == BAIMA).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrected_resubmission_with_an_earlier_filling_date_wins_by_its_arrival() {
    let setup = Setup::new();
    let app = setup.open();
    let code = setup.code_of(BAIMA);
    // The first return says 12月20日 by mistake; the correction says the real day, the 10th.
    for bytes in [filled_on(20, 2), filled_on(10, 3)] {
        let fields: [(&str, Option<&str>, &[u8]); 1] = [("file", Some("白马镇.xlsx"), &bytes)];
        let reply = send(&app, upload("/api/submit", &code, &fields)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    }
    let stored: Vec<String> = app.log().submissions().map(|s| s.stored.clone()).collect();
    // Sent back days later (both arrived within this second here: the log says so).
    let log = setup.inbox.join(taizhang::intake_log::LOG);
    let text = std::fs::read_to_string(&log).unwrap();
    let first = app.log().submissions().next().unwrap().arrived_at.clone();
    let text = text.replacen(&first, "2025-12-20 10:00:00", 1);
    std::fs::write(&log, text).unwrap();
    let now = baima(&app);
    assert_eq!(now.file.as_ref(), Some(&stored[1]), "{now:?}");
    assert_eq!(now.organizations, 3);
    assert_eq!(now.superseded, vec![stored[0].clone()]);

    // Without the log, nothing says which arrived last: the later 填报日期 counts, as before.
    std::fs::remove_file(&log).unwrap();
    let without_log = baima(&app);
    assert_eq!(
        without_log.file.as_ref(),
        Some(&stored[0]),
        "{without_log:?}"
    );
    assert_eq!(without_log.organizations, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_started_days_ago_checks_as_of_today() {
    let setup = Setup::new();
    let mut options = setup.options();
    // Started long ago: a form filled in yesterday is not "after the day of the check".
    options.check.today = chrono::NaiveDate::from_ymd_opt(2020, 1, 1);
    let app = App::open(options).unwrap().0;
    let yesterday = chrono::Local::now().date_naive() - chrono::Days::new(1);
    use chrono::Datelike;
    let day = Cell::date(yesterday.year(), yesterday.month(), yesterday.day());
    let bytes = FormBuilder::new()
        .orgs(1)
        .filled_on(day)
        .to_bytes()
        .unwrap();
    let fields: [(&str, Option<&str>, &[u8]); 1] = [("file", Some("白马镇.xlsx"), &bytes)];
    let reply = send(&app, upload("/api/check", &setup.code_of(BAIMA), &fields)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert!(!reply.text().contains("W116"), "{}", reply.text());
    assert_eq!(
        app.status().unwrap().as_of,
        chrono::Local::now().date_naive()
    );
}
