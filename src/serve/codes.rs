//! 报送口令: one access code per roster unit and one for the department.
//!
//! On the first start every unit gets a random code of [`CODE_LEN`] characters from an alphabet
//! without look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 8/B), written in groups of four. The codes are
//! written once into the `--codes` workbook (单位代码, 单位名称, 报送口令) for the department to
//! hand out; the inbox keeps only a salted hash of each ([`STORE`], in the server's private
//! folder). Later starts reuse them; a unit added to the roster later gets a new code, and the
//! workbook is written again with the codes it already listed (read back from it) and the new
//! ones. A workbook there that is not ours is never replaced.

use crate::output::{self, Kind};
use crate::read::{Limits, Workbook};
use crate::roster::Roster;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Characters a clerk cannot misread or mistype.
const ALPHABET: &[u8] = b"ACDEFGHJKMNPQRTUVWXY3469";
/// Characters in a code: 24^12 ≈ 2^55 possibilities.
pub const CODE_LEN: usize = 12;
/// The hashed codes, in the server's private folder.
pub const STORE: &str = "口令.json";
/// Who the department's row names.
pub const ADMIN_CODE: &str = "组织部";
pub const ADMIN_NAME: &str = "管理员";
const SHEET: &str = "报送口令";
const KEY_CONTEXT: &str = "taizhang 2026 报送口令 v1";

/// Whose code it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Who {
    /// The roster unit at this index.
    Unit(usize),
    Admin,
}

/// One hashed code.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    /// 单位代码, or [`ADMIN_CODE`].
    unit_code: String,
    unit_name: String,
    salt: String,
    hash: String,
    issued_at: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Store {
    codes: Vec<Entry>,
}

/// Why the codes could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum CodesError {
    #[error("无法读取口令文件“{}”：{reason}", path.display())]
    Store { path: PathBuf, reason: String },
    #[error("无法保存口令文件“{}”：{}", path.display(), crate::os_error::sentence(source))]
    SaveStore {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Output(#[from] crate::output::OutputError),
    #[error("无法写入口令表：{0}")]
    Save(#[from] crate::save::SaveError),
    #[error("无法生成口令表：{}", crate::save::xlsx_words(.0))]
    Write(#[from] rust_xlsxwriter::XlsxError),
    #[error("无法生成随机口令：操作系统没有提供随机数")]
    Random,
}

/// The hashed codes in memory, and who each belongs to.
pub struct Codes {
    entries: Vec<(Who, Entry)>,
}

/// What a start did to the codes workbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    /// Units (and the department) that got a new code on this start.
    pub new: Vec<String>,
    /// The workbook written, when something was new.
    pub workbook: Option<PathBuf>,
}

impl Codes {
    /// The codes of `roster`'s units and the department, hashed in `private`; the new ones
    /// issued and written to `workbook`.
    pub fn ensure(
        private: &Path,
        roster: &Roster,
        workbook: &Path,
    ) -> Result<(Codes, Issued), CodesError> {
        let store_path = private.join(STORE);
        let mut store = load_store(&store_path)?;
        let wanted: Vec<(String, String)> = (roster.units.iter())
            .map(|u| (u.code.clone(), u.name.clone()))
            .chain([(ADMIN_CODE.to_string(), ADMIN_NAME.to_string())])
            .collect();
        let known: HashMap<String, usize> = (store.codes.iter().enumerate())
            .map(|(i, e)| (e.unit_code.clone(), i))
            .collect();
        let missing: Vec<&(String, String)> = wanted
            .iter()
            .filter(|(code, _)| !known.contains_key(code))
            .collect();
        let mut issued = Issued {
            new: missing.iter().map(|(_, name)| name.clone()).collect(),
            workbook: None,
        };
        if !missing.is_empty() {
            output::may_replace(workbook, Kind::Codes, false)?;
            let mut plain = read_back(workbook);
            let now = chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string();
            for (code, name) in missing {
                let secret = new_code()?;
                store.codes.push(entry(code, name, &secret, &now)?);
                plain.insert(code.clone(), secret);
            }
            write_workbook(workbook, &wanted, &plain)?;
            save_store(&store_path, &store)?;
            issued.workbook = Some(workbook.to_path_buf());
        }
        let who = |code: &str| match code {
            ADMIN_CODE => Some(Who::Admin),
            code => roster.by_code(code).map(Who::Unit),
        };
        let entries = (store.codes.into_iter())
            .filter_map(|e| Some((who(&e.unit_code)?, e)))
            .collect();
        Ok((Codes { entries }, issued))
    }

    /// Whose code `typed` is (spaces, dashes and letter case do not matter).
    pub fn verify(&self, typed: &str) -> Option<Who> {
        let typed = normalized(typed);
        if typed.len() != CODE_LEN {
            return None;
        }
        // Every entry is hashed, found or not: the time taken says nothing of which matched.
        let mut found = None;
        for (who, entry) in &self.entries {
            // blake3::Hash == is constant-time: the comparison says nothing either.
            let kept = blake3::Hash::from_hex(&entry.hash).ok();
            if kept.is_some_and(|kept| hash(&entry.salt, &typed) == kept) {
                found = Some(*who);
            }
        }
        found
    }
}

/// A code as typed, in the form it was hashed: upper case, no spaces or dashes.
fn normalized(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// `salt` and the code through BLAKE3's key derivation: the code never rests in the inbox.
fn hash(salt: &str, code: &str) -> blake3::Hash {
    let mut material = salt.as_bytes().to_vec();
    material.extend_from_slice(code.as_bytes());
    blake3::Hash::from(blake3::derive_key(KEY_CONTEXT, &material))
}

fn entry(code: &str, name: &str, secret: &str, now: &str) -> Result<Entry, CodesError> {
    let salt = hex(&random_bytes::<16>()?);
    Ok(Entry {
        unit_code: code.to_string(),
        unit_name: name.to_string(),
        hash: hash(&salt, &normalized(secret)).to_hex().to_string(),
        salt,
        issued_at: now.to_string(),
    })
}

/// Random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], CodesError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|_| CodesError::Random)?;
    Ok(bytes)
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new code, "ACDE-FGHJ-KMNP": uniform over the alphabet (bytes past the last whole multiple
/// of its size are drawn again).
fn new_code() -> Result<String, CodesError> {
    let limit = 256 - 256 % ALPHABET.len();
    let mut chars = Vec::with_capacity(CODE_LEN);
    while chars.len() < CODE_LEN {
        for b in random_bytes::<32>()? {
            if (b as usize) < limit && chars.len() < CODE_LEN {
                chars.push(ALPHABET[b as usize % ALPHABET.len()] as char);
            }
        }
    }
    let groups: Vec<String> = chars.chunks(4).map(|c| c.iter().collect()).collect();
    Ok(groups.join("-"))
}

fn load_store(path: &Path) -> Result<Store, CodesError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Store::default()),
        Err(e) => {
            return Err(CodesError::Store {
                path: path.to_path_buf(),
                reason: crate::os_error::sentence(&e),
            })
        }
    };
    serde_json::from_slice(&bytes).map_err(|_| CodesError::Store {
        path: path.to_path_buf(),
        reason: "内容已损坏；删除它后重新启动会为全部单位生成新口令".to_string(),
    })
}

/// Saved through a temporary file beside it, so a crash leaves the old store or the new one.
fn save_store(path: &Path, store: &Store) -> Result<(), CodesError> {
    let save = |source| CodesError::SaveStore {
        path: path.to_path_buf(),
        source,
    };
    let dir = output::folder_of(path);
    let mut temp = tempfile::Builder::new()
        .prefix(output::TEMP_PREFIX)
        .suffix(output::TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(save)?;
    let text = serde_json::to_string_pretty(store).expect("the store serializes");
    std::io::Write::write_all(&mut temp, text.as_bytes()).map_err(save)?;
    temp.as_file().sync_all().map_err(save)?;
    temp.persist(path).map_err(|e| save(e.error))?;
    Ok(())
}

/// The codes an earlier start wrote into our workbook at `path`: 单位代码 → 报送口令.
fn read_back(path: &Path) -> HashMap<String, String> {
    let mut codes = HashMap::new();
    if !output::is_ours(path, Kind::Codes) {
        return codes;
    }
    let Ok(grid) = Workbook::open(path, &Limits::default()).and_then(|mut w| w.load(SHEET)) else {
        return codes;
    };
    let Some((_, last)) = grid.rows() else {
        return codes;
    };
    for row in 0..=last {
        let cell = |c| crate::normalize::raw_text(grid.get(row, c));
        let code = cell(2);
        if normalized(&code).len() == CODE_LEN && code.is_ascii() {
            codes.insert(cell(0), code);
        }
    }
    codes
}

/// The workbook the department hands out: one row per unit, the department's last.
fn write_workbook(
    path: &Path,
    units: &[(String, String)],
    plain: &HashMap<String, String>,
) -> Result<(), CodesError> {
    use rust_xlsxwriter::{Format, Workbook as Book, Worksheet};
    let mut sheet = Worksheet::new();
    sheet.set_name(SHEET)?;
    let bold = Format::new().set_bold();
    let mono = Format::new().set_font_name("Consolas").set_font_size(12);
    sheet.write_string_with_format(0, 0, "网上报送口令（请分别交给各单位，妥善保管）", &bold)?;
    for (c, (header, width)) in [
        ("单位代码", 14.0),
        ("单位名称", 22.0),
        ("报送口令", 20.0),
        ("说明", 40.0),
    ]
    .into_iter()
    .enumerate()
    {
        sheet.write_string_with_format(2, c as u16, header, &bold)?;
        sheet.set_column_width(c as u16, width)?;
    }
    for (i, (code, name)) in units.iter().enumerate() {
        let row = 3 + i as u32;
        sheet.write_string(row, 0, code)?;
        sheet.write_string(row, 1, name)?;
        match plain.get(code) {
            Some(secret) => sheet.write_string_with_format(row, 2, secret, &mono)?,
            None => sheet.write_string(row, 3, "口令已在以前发放（本表只列新生成的口令）")?,
        };
    }
    let mut book = Book::new();
    book.push_worksheet(sheet);
    book.push_worksheet(crate::marker::meta_sheet(crate::marker::CODES)?);
    crate::save::save_output(&mut book, path, Kind::Codes, false)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_long_unambiguous_and_verify_only_themselves() {
        let code = new_code().unwrap();
        assert_eq!(normalized(&code).len(), CODE_LEN);
        assert!(
            normalized(&code).bytes().all(|b| ALPHABET.contains(&b)),
            "{code}"
        );
        let entry = entry("1", "白马镇", &code, "now").unwrap();
        let codes = Codes {
            entries: vec![(Who::Unit(0), entry)],
        };
        assert_eq!(codes.verify(&code.to_lowercase()), Some(Who::Unit(0)));
        assert_eq!(codes.verify(&code.replace('-', " ")), Some(Who::Unit(0)));
        assert_eq!(codes.verify(&new_code().unwrap()), None);
        assert_eq!(codes.verify(""), None);
    }
}
