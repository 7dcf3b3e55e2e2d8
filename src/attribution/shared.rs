//! Organizations claimed by two units: the same 党组织编码 (an error) or the same 党组织名称
//! (a warning, when the codes do not tell them apart) in the current files of two owners.
//!
//! Every organization becomes a [`Seat`]: fixed-size fingerprints of its keys (128-bit hashes:
//! a collision among the 10 million keys of a national run has a chance below 10^-24), its
//! file and its row. Seats sharing a key form a group; a group spanning two owners yields a
//! [`Finding`] per seat. `upgrade` groups its seats in memory; the ledger's pipeline spills
//! them to [`SeatIndex`] buckets on disk, so its memory does not grow with the number of
//! organizations. Both group alike, so they find the same issues in the same order.
//!
//! (The `extsort` crate was tried in place of the buckets, and dropped: its 0.5.0 loses every
//! item when their number is a multiple of its segment size plus one: `done` then finds its
//! buffer empty and gives back that empty buffer instead of the segments on disk.)

use super::{Owner, Placements};
use crate::check::FileReport;
use crate::form::Form;
use crate::issue::{Code, Issue};
use crate::roster::{code_key, name_key, Roster};
use crate::schema::{org, ORGANIZATIONS};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;

/// Which key a seat is about.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum KeyKind {
    Code = 0,
    Name = 1,
}

/// One organization under one of its keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seat {
    pub kind: KeyKind,
    pub key: u128,
    /// The fingerprint of the organization's 党组织编码; 0 when it has none.
    pub code: u128,
    pub report: u32,
    pub record: u32,
    /// The 0-based sheet row, for messages.
    pub row: u32,
}

const SEAT_BYTES: usize = 1 + 16 + 16 + 4 + 4 + 4;

impl Seat {
    fn order(&self) -> (KeyKind, u128, u32, u32) {
        (self.kind, self.key, self.report, self.record)
    }

    fn to_bytes(self) -> [u8; SEAT_BYTES] {
        let mut b = [0u8; SEAT_BYTES];
        b[0] = self.kind as u8;
        b[1..17].copy_from_slice(&self.key.to_le_bytes());
        b[17..33].copy_from_slice(&self.code.to_le_bytes());
        b[33..37].copy_from_slice(&self.report.to_le_bytes());
        b[37..41].copy_from_slice(&self.record.to_le_bytes());
        b[41..45].copy_from_slice(&self.row.to_le_bytes());
        b
    }

    fn from_bytes(b: &[u8]) -> Seat {
        let u32_at = |i: usize| u32::from_le_bytes(b[i..i + 4].try_into().expect("4 bytes"));
        let u128_at = |i: usize| u128::from_le_bytes(b[i..i + 16].try_into().expect("16 bytes"));
        Seat {
            kind: if b[0] == 0 {
                KeyKind::Code
            } else {
                KeyKind::Name
            },
            key: u128_at(1),
            code: u128_at(17),
            report: u32_at(33),
            record: u32_at(37),
            row: u32_at(41),
        }
    }
}

fn fingerprint(kind: KeyKind, text: &str) -> u128 {
    let mut hasher = blake3::Hasher::new();
    hasher.update(&[kind as u8]);
    hasher.update(text.as_bytes());
    let bytes: [u8; 16] = hasher.finalize().as_bytes()[..16]
        .try_into()
        .expect("16 bytes");
    u128::from_le_bytes(bytes).max(1)
}

/// 党组织编码 as compared across units: width-folded, no spaces, letters in upper case.
fn org_code_key(code: &str) -> String {
    code_key(code).to_uppercase()
}

/// The seats of every organization of `form`, the form being report number `report`.
pub fn seats(report: usize, form: &Form) -> impl Iterator<Item = Seat> + '_ {
    form.organizations
        .iter()
        .enumerate()
        .flat_map(move |(j, record)| {
            let code = record
                .text(org::CODE)
                .map(|c| fingerprint(KeyKind::Code, &org_code_key(c)));
            let name = record
                .org_name()
                .map(|n| fingerprint(KeyKind::Name, &name_key(n)));
            let seat = |kind, key| Seat {
                kind,
                key,
                code: code.unwrap_or(0),
                report: report as u32,
                record: j as u32,
                row: record.row,
            };
            let by_code = code.map(|k| seat(KeyKind::Code, k));
            let by_name = name.map(|k| seat(KeyKind::Name, k));
            by_code.into_iter().chain(by_name)
        })
}

/// An issue to put on one organization, found before its file is read again.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Finding {
    pub report: u32,
    pub record: u32,
    pub kind: KeyKind,
    /// Where the other units have it: a range of [`Findings::places`].
    others: (u32, u32),
}

/// Where another unit lists an organization: its file and the row there.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Place {
    report: u32,
    row: u32,
}

/// Every cross-unit finding, sorted by file and organization. A national run has tens of
/// thousands: each is a few numbers, and its message ("also in 金竹乡（金竹乡.xlsx 第 7 行）")
/// is written only when the issue is put on its file.
#[derive(Debug, Default)]
pub struct Findings {
    list: Vec<Finding>,
    places: Vec<Place>,
}

impl Findings {
    fn push(&mut self, seat: &Seat, others: impl Iterator<Item = Place>) {
        let start = self.places.len() as u32;
        self.places.extend(others);
        self.list.push(Finding {
            report: seat.report,
            record: seat.record,
            kind: seat.kind,
            others: (start, self.places.len() as u32),
        });
    }

    fn sort(&mut self) {
        self.list.sort_by_key(|f| (f.report, f.record, f.kind));
        self.list.shrink_to_fit();
        self.places.shrink_to_fit();
    }

    /// Put the findings of file `i` on its organizations (the form's issues are sorted
    /// afterwards).
    pub fn add_to(&self, i: usize, report: &mut FileReport, owners: &Owners) {
        self.add_to_part(i, 0, report, owners);
    }

    /// [`Findings::add_to`] for a part of file `i` whose organizations start at the file's
    /// `first`-th ([`crate::read::read_form_in_parts`]).
    pub fn add_to_part(&self, i: usize, first: u32, report: &mut FileReport, owners: &Owners) {
        let Some(form) = report.form.as_mut() else {
            return;
        };
        let end = first as usize + form.organizations.len();
        let findings = self.of(i).iter();
        for finding in findings.filter(|f| (first as usize..end).contains(&(f.record as usize))) {
            let others = self.others(finding, owners);
            form.issues.extend(cross_unit_issue(
                finding.kind,
                finding.record - first,
                &others,
                form,
            ));
        }
    }

    /// The findings of file `report`.
    fn of(&self, report: usize) -> &[Finding] {
        let start = self.list.partition_point(|f| (f.report as usize) < report);
        let end = self.list.partition_point(|f| (f.report as usize) <= report);
        &self.list[start..end]
    }

    /// Where the other units have `finding`'s organization: "金竹乡（金竹乡.xlsx 第 7 行）、…".
    fn others(&self, finding: &Finding, owners: &Owners) -> String {
        let (start, end) = finding.others;
        let places: Vec<String> = self.places[start as usize..end as usize]
            .iter()
            .map(|place| owners.where_is(place))
            .collect();
        places.join("、")
    }
}

/// The issue a finding of `kind` puts on organization `record`'s cell in `form`, the other
/// units' places written out in `others`; `None` when the form has no such column.
fn cross_unit_issue(kind: KeyKind, record: u32, others: &str, form: &Form) -> Option<Issue> {
    let column = match kind {
        KeyKind::Code => org::CODE,
        KeyKind::Name => org::NAME,
    };
    let organization = form.organizations.get(record as usize)?;
    let table = form.org_location(organization)?;
    let col = table.columns.get(column).copied().flatten()?;
    let value = organization.text(column).map(str::to_string);
    let what = ORGANIZATIONS.columns[column].header;
    let message = format!(
        "{what}“{}”也出现在 {others} 的报表中；同一党组织只能由一个单位填报，请双方核实",
        value.as_deref().unwrap_or_default(),
    );
    let code = match kind {
        KeyKind::Code => Code::OrgCodeInOtherUnit,
        KeyKind::Name => Code::OrgNameInOtherUnit,
    };
    Some(Issue::cell(
        code,
        &table.sheet,
        (organization.row, col),
        ORGANIZATIONS.columns[column].key,
        value,
        message,
    ))
}

/// Who owns each file and what it is called, to tell seats apart and describe them.
pub struct Owners<'a> {
    pub placements: &'a Placements,
    /// Of every attributed file.
    pub paths: &'a [PathBuf],
    pub roster: Option<&'a Roster>,
}

impl Owners<'_> {
    fn owner(&self, seat: &Seat) -> &Owner {
        &self.placements[seat.report as usize].owner
    }

    fn owner_name(&self, report: usize) -> String {
        match (&self.placements[report].owner, self.roster) {
            (Owner::Roster(i), Some(roster)) => roster.units[*i as usize].name.clone(),
            (Owner::Unlisted(unit), _) => self.placements.names().name(*unit).to_string(),
            (Owner::Roster(_), None) => String::new(),
        }
    }

    /// "金竹乡（金竹乡.xlsx 第 7 行）".
    fn where_is(&self, place: &Place) -> String {
        let path = &self.paths[place.report as usize];
        let file = path.file_name().unwrap_or_default().to_string_lossy();
        let owner = self.owner_name(place.report as usize);
        format!("{owner}（{file} 第 {} 行）", place.row + 1)
    }

    /// Whether a seat's file counts (readable and not superseded).
    pub fn is_current(&self, seat: &Seat) -> bool {
        self.placements[seat.report as usize].counts()
    }

    /// The findings of one group of seats with the same key, sorted by file and row.
    pub fn findings(&self, group: &[Seat], out: &mut Findings) {
        let first = self.owner(&group[0]);
        if group.iter().all(|s| self.owner(s) == first) {
            return;
        }
        if group[0].kind == KeyKind::Name {
            let codes_differ =
                group.iter().all(|s| s.code != 0) && group.iter().any(|s| s.code != group[0].code);
            if codes_differ {
                return;
            }
        }
        for seat in group {
            let others = group
                .iter()
                .filter(|o| self.owner(o) != self.owner(seat))
                .map(|o| Place {
                    report: o.report,
                    row: o.row,
                });
            out.push(seat, others);
        }
    }

    /// Group `seats` (current files only) in memory and return every finding.
    pub fn find_all(&self, mut seats: Vec<Seat>) -> Findings {
        seats.retain(|s| self.is_current(s));
        let mut found = Findings::default();
        for_each_group(&mut seats, |group| self.findings(group, &mut found));
        found.sort();
        found
    }
}

/// Sort seats and call `f` with each run of seats sharing a key.
fn for_each_group(seats: &mut [Seat], mut f: impl FnMut(&[Seat])) {
    seats.sort_unstable_by_key(Seat::order);
    for group in seats.chunk_by(|a, b| (a.kind, a.key) == (b.kind, b.key)) {
        f(group);
    }
}

/// Seats spilled to disk in buckets by the top bits of their key, so that one bucket at a
/// time is grouped in memory. Each bucket is a temporary file unlinked at once, so nothing is
/// left behind even when the run is killed.
pub struct SeatIndex {
    buckets: Vec<BufWriter<File>>,
    /// The most seats grouped in memory at once: a bucket with more is split first.
    grouped_at_once: usize,
}

const BUCKETS: usize = 256;

/// A national run's 10 million seats make buckets of 40,000 (2 MB in memory); a province's,
/// of 1,600. Split to this many (400 KB), grouping costs the same memory at any scale.
const GROUPED_AT_ONCE: usize = 8192;

impl SeatIndex {
    pub fn new() -> std::io::Result<SeatIndex> {
        SeatIndex::grouping(GROUPED_AT_ONCE)
    }

    fn grouping(grouped_at_once: usize) -> std::io::Result<SeatIndex> {
        Ok(SeatIndex {
            buckets: spill_files(BUCKETS)?,
            grouped_at_once,
        })
    }

    pub fn add(&mut self, seat: Seat) -> std::io::Result<()> {
        let bucket = (seat.key >> 120) as usize % BUCKETS;
        self.buckets[bucket].write_all(&seat.to_bytes())
    }

    /// Every finding among current files, bucket by bucket; `renumber` gives the number of
    /// the report a seat was added under in `owners` (`None`: the seat is not to be used).
    pub fn find_all(
        self,
        owners: &Owners,
        renumber: impl Fn(u32) -> Option<u32>,
    ) -> std::io::Result<Findings> {
        let mut found = Findings::default();
        let current = |seat: Seat| {
            let seat = Seat {
                report: renumber(seat.report)?,
                ..seat
            };
            owners.is_current(&seat).then_some(seat)
        };
        for bucket in self.buckets {
            let (file, count) = rewound(bucket)?;
            if count <= self.grouped_at_once {
                let mut seats = read_seats(file, count, current)?;
                for_each_group(&mut seats, |group| owners.findings(group, &mut found));
                continue;
            }
            // Split by other bits of the key: seats sharing a key stay together.
            let parts = count.div_ceil(self.grouped_at_once);
            let mut split = spill_files(parts)?;
            // The bucket's space on disk is given back when its seats are read, not at the end.
            for seat in seats_in(file, count) {
                if let Some(seat) = current(seat?) {
                    let part = (seat.key >> 64) as u64 % parts as u64;
                    split[part as usize].write_all(&seat.to_bytes())?;
                }
            }
            for part in split {
                let (file, count) = rewound(part)?;
                let mut seats = read_seats(file, count, Some)?;
                for_each_group(&mut seats, |group| owners.findings(group, &mut found));
            }
        }
        found.sort();
        Ok(found)
    }
}

/// `n` temporary files to spill seats to, each written through a small buffer: pass 1 keeps
/// all 256 open at once (at the default 8 KiB, 2 MiB).
fn spill_files(n: usize) -> std::io::Result<Vec<BufWriter<File>>> {
    (0..n)
        .map(|_| tempfile::tempfile().map(|f| BufWriter::with_capacity(SPILL_BUFFER, f)))
        .collect()
}

const SPILL_BUFFER: usize = 4096;

/// A spill file written to the end, rewound, and how many seats it holds.
fn rewound(spilled: BufWriter<File>) -> std::io::Result<(File, usize)> {
    let mut file = spilled
        .into_inner()
        .map_err(std::io::IntoInnerError::into_error)?;
    let count = file.stream_position()? as usize / SEAT_BYTES;
    file.seek(SeekFrom::Start(0))?;
    Ok((file, count))
}

/// The `count` seats of a rewound spill file, read one at a time; the file is closed (its
/// space on disk given back) with the iterator.
fn seats_in(file: File, count: usize) -> impl Iterator<Item = std::io::Result<Seat>> {
    let mut reader = BufReader::new(file);
    let mut bytes = [0; SEAT_BYTES];
    (0..count).map(move |_| {
        reader.read_exact(&mut bytes)?;
        Ok(Seat::from_bytes(&bytes))
    })
}

/// The seats of a rewound spill file that `keep` keeps (as it gives them back), in a list
/// sized once: never in memory twice (as bytes and as seats), nor in a list grown by doubling.
fn read_seats(
    file: File,
    count: usize,
    keep: impl Fn(Seat) -> Option<Seat>,
) -> std::io::Result<Vec<Seat>> {
    let mut seats = Vec::with_capacity(count);
    for seat in seats_in(file, count) {
        seats.extend(keep(seat?));
    }
    Ok(seats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seats_survive_the_disk_format() {
        let seat = Seat {
            kind: KeyKind::Name,
            key: u128::MAX - 7,
            code: 42,
            report: 3,
            record: 9,
            row: 17,
        };
        assert_eq!(Seat::from_bytes(&seat.to_bytes()), seat);
    }

    #[test]
    fn a_bucket_split_before_grouping_finds_what_grouping_in_memory_finds() {
        use crate::attribution::{Claim, Placed};
        let mut placements = Placements::with_capacity(12);
        for i in 0..12 {
            placements.push(Placed {
                claim: Claim::Unlisted {
                    code: format!("{}", i % 5),
                    name: format!("第{}乡", i % 5),
                },
                via: None,
                modified: None,
            });
        }
        placements.seal();
        placements[11].supersede(Some(1));
        let paths: Vec<PathBuf> = (0..12)
            .map(|i| PathBuf::from(format!("{i}.xlsx")))
            .collect();
        let owners = Owners {
            placements: &placements,
            paths: &paths,
            roster: None,
        };
        // Every key in one bucket (the same top bits), 23 keys told apart by lower bits.
        let key = |n: u32| 7u128 << 120 | u128::from(n.wrapping_mul(0x9E37_79B9)) << 64 | 1;
        let seats: Vec<Seat> = (0..12u32)
            .flat_map(|report| {
                (0..20u32).map(move |record| Seat {
                    kind: if record % 3 == 0 {
                        KeyKind::Code
                    } else {
                        KeyKind::Name
                    },
                    key: key((report * 7 + record) % 23),
                    code: u128::from(record % 4),
                    report,
                    record,
                    row: record + 3,
                })
            })
            .collect();
        // Each finding with the places it names (their positions in the list differ).
        let resolved = |found: &Findings| -> Vec<(u32, u32, KeyKind, Vec<Place>)> {
            let places =
                |(start, end): (u32, u32)| found.places[start as usize..end as usize].to_vec();
            let each = |f: &Finding| (f.report, f.record, f.kind, places(f.others));
            found.list.iter().map(each).collect()
        };
        let in_memory = resolved(&owners.find_all(seats.clone()));
        assert!(in_memory.len() > 20, "{in_memory:?}");
        for grouped_at_once in [1, 3, 50, usize::MAX] {
            let mut index = SeatIndex::grouping(grouped_at_once).unwrap();
            seats.iter().for_each(|&s| index.add(s).unwrap());
            let on_disk = resolved(&index.find_all(&owners, Some).unwrap());
            assert_eq!(on_disk, in_memory, "{grouped_at_once} seats at once");
        }
    }
}
