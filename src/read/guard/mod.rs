//! Checks a file before any parser touches it.
//!
//! calamine trusts what a file claims: a shared-string table declaring 10^11 entries makes it
//! reserve terabytes, an `.xls` DIMENSIONS record or two far-apart cells make it allocate the
//! whole bounding box, and an allocation failure aborts the process (no `catch_unwind` can
//! catch it). [`inspect`] reads only container metadata and bounded heads of the parts, decides
//! the real format from the content (not the extension), and refuses what a survey form can
//! never be, so that one hostile file becomes one file-level issue and the run goes on.
//!
//! What stays for the reader (`read::mod`): enforce [`Limits::max_rows`] and
//! [`Limits::max_cols`] while streaming `.xlsx`/`.xlsb` cells, because a sheet's real cells are
//! only known by reading it all.
//!
//! This module sniffs the format and holds the limits and the refusals; `archive` inspects zip
//! containers (xlsx, xlsb, ods) and `ole` compound files (xls, encrypted xlsx).

mod archive;
mod ole;

use std::fs::File;
use std::io::{self, Read, Seek};
use std::path::Path;

use crate::issue::Code;
use archive::inspect_zip;
use ole::inspect_ole;

/// Bounds for one returned survey form. Every number is far above a real form (a few hundred
/// rows × 25 columns; a provincial merge of up to 100 000 rows) and far below what would
/// exhaust memory. Override them (e.g. from a CLI option) with struct update syntax:
/// `Limits { max_rows: 500_000, ..Limits::default() }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Size of the file on disk. Default 100 MiB: a 100 000-row merge of the 25-column form is
    /// about 20 MB as `.xlsx`, and an `.xls` (at most 65 536 rows) about 30 MB; calamine holds
    /// a whole `.xls` in memory, so this also bounds that.
    pub max_file_bytes: u64,
    /// Entries in a zip container. Default 2 000: a form has about 15 parts (one per sheet,
    /// styles, strings, theme, relationships); even a workbook with 100 sheets and pictures
    /// stays in the hundreds. Tens of thousands of entries only come from a crafted file.
    pub max_zip_entries: usize,
    /// Declared uncompressed size, of any one entry and of all entries together. Default
    /// 512 MiB: the sheet XML of a 100 000-row × 25-column merge is about 120 MB. The zip crate
    /// refuses to inflate an entry past its declared size, so this is a real bound.
    pub max_uncompressed_bytes: u64,
    /// Uncompressed ÷ compressed size of one entry, checked for entries above 1 MiB only (small
    /// parts compress arbitrarily well and are harmless). Default 200: sheet XML compresses
    /// 10–50×, even runs of empty styled cells stay under 150×; zip bombs are 1 000× and more.
    pub max_compression_ratio: f64,
    /// `count`/`uniqueCount` claimed by `xl/sharedStrings.xml`. calamine reserves `uniqueCount`
    /// strings (24 bytes each) before reading one. Default 4 000 000: a 100 000 × 25 merge has
    /// at most 2.5 M text cells; the reservation stays under 100 MB.
    pub max_shared_strings: u64,
    /// Rows a sheet may span. Default 200 000: twice a 100 000-row provincial merge (the `.xls`
    /// format itself stops at 65 536). The reader enforces it while streaming cells.
    pub max_rows: u32,
    /// Columns a sheet may span. Default 1 024: the form has 25 columns; this leaves room for
    /// any helper columns a clerk adds (and is four times the 256 columns of `.xls`), while a
    /// cell at column XFD (16 384) is stray or hostile. The reader enforces it while streaming.
    pub max_cols: u32,
    /// Cells in a sheet's bounding box (rows × columns). calamine's `.xls` and `.ods` readers
    /// allocate the whole box (about 100 bytes a cell with its formula twin), whatever the
    /// number of real cells. Default 5 000 000: twice a 100 000-row × 25-column merge, about
    /// 500 MB at worst.
    pub max_cells: u64,
    /// Rows of a sheet held in memory at once (default 2 000, about 2 MB for the form's 25
    /// columns): a list that ends within them is parsed once; a longer one is read again row
    /// by row, never held whole ([`super::grid`]), never fewer than
    /// [`super::grid::MIN_HELD_ROWS`]. Also the records a ledger holds of one file at once: a
    /// longer file goes through it in parts of this many ([`super::read_form_in_parts`]).
    pub held_rows: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 100 * MIB,
            max_zip_entries: 2_000,
            max_uncompressed_bytes: 512 * MIB,
            max_compression_ratio: 200.0,
            max_shared_strings: 4_000_000,
            max_rows: 200_000,
            max_cols: 1_024,
            max_cells: 5_000_000,
            held_rows: 2_000,
        }
    }
}

pub(super) const MIB: u64 = 1024 * 1024;
/// Entries smaller than this are not held to the compression ratio.
pub(super) const RATIO_MIN_BYTES: u64 = MIB;
/// How much of each XML part is inflated to look at its prolog and first elements.
pub(super) const HEAD_BYTES: u64 = 64 * 1024;
/// Why a pipe, device or socket is not read: opening a pipe would wait for a writer.
pub const NOT_REGULAR: &str = "不是普通文件（管道、设备或套接字），未读取";

/// How much of a non-container file is sniffed to say what it is.
const SNIFF_BYTES: usize = 8 * 1024;

/// What the file really is, decided from its content. Open it with the matching calamine
/// reader (`Xlsx`, `Xls`, `Ods`, `Xlsb`), not `open_workbook_auto`, which goes by extension:
/// a WPS `.et` is usually BIFF (`Xls`) inside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xls,
    Ods,
    Xlsb,
}

/// Something that is not a spreadsheet we read, but a known other kind of file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsupported {
    /// Comma/tab separated or plain text (`.csv`, `.txt`).
    Text,
    /// An HTML table saved with an `.xls` name (common export of web systems).
    Html,
    /// Excel 2003 "XML Spreadsheet".
    XmlSpreadsheet,
    /// A WPS spreadsheet in WPS's own format (not BIFF or OOXML inside).
    WpsSheet,
    /// A word-processor document (Word, WPS 文字 `.wps`).
    WordDocument,
    /// A presentation (PowerPoint, WPS 演示).
    Presentation,
    /// Apple Numbers.
    Numbers,
    /// An OpenDocument file that is not a spreadsheet.
    OpenDocumentOther,
    /// A bare BIFF2–4 worksheet (Excel 2.x–4.x, not in an OLE container).
    OldExcel,
}

/// A file that is not a spreadsheet at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotSheet {
    Directory,
    Pdf,
    Archive,
    Image,
    OtherOle,
    Binary,
}

/// Why a file was refused. Each variant says when it happens; [`Rejection::code`] gives the
/// file-level issue code and [`Rejection::message`] the Chinese text for the clerk.
#[derive(Debug, thiserror::Error)]
pub enum Rejection {
    /// The file could not be opened or read (vanished, permissions, I/O error).
    #[error("cannot read the file")]
    Io(#[source] io::Error),
    /// The file has zero bytes.
    #[error("the file is empty")]
    Empty,
    /// The content is a known non-spreadsheet kind or unrecognisable bytes.
    #[error("not a spreadsheet: {0:?}")]
    NotSpreadsheet(NotSheet),
    /// The zip container cannot be opened: usually a download or copy cut short.
    #[error("zip container is truncated or corrupt")]
    BrokenZip(#[source] zip::result::ZipError),
    /// A part of the zip cannot be inflated.
    #[error("part {part} cannot be read")]
    BrokenPart {
        part: String,
        #[source]
        source: io::Error,
    },
    /// The OLE compound file (`.xls`) cannot be opened: truncated or corrupt.
    #[error("OLE compound file is truncated or corrupt")]
    BrokenOle(#[source] io::Error),
    /// An `.xls` DIMENSIONS record whose last row lies before its first: calamine would
    /// compute a wrapped-around size.
    #[error("sheet {sheet}: inverted DIMENSIONS record")]
    BadDimensions { sheet: usize },
    /// A zip that holds no workbook (a `.zip` of forms, or an unrelated archive).
    #[error("zip holds no workbook")]
    NoWorkbook,
    /// An OLE file with `EncryptionInfo`/`EncryptedPackage` (an `.xlsx` with an open password),
    /// or an `.ods` whose manifest lists encryption data.
    #[error("encrypted OOXML package")]
    EncryptedPackage,
    /// An `.xls` whose workbook stream has a FILEPASS record.
    #[error("encrypted xls (FILEPASS record)")]
    EncryptedXls,
    /// A zip entry encrypted with a zip password.
    #[error("zip entry {0} is encrypted")]
    EncryptedEntry(String),
    /// A known format that is not read; the clerk should save it as `.xlsx`.
    #[error("unsupported format: {0:?}")]
    Unsupported(Unsupported),
    /// The file is larger than [`Limits::max_file_bytes`].
    #[error("file has {size} bytes, limit {limit}")]
    FileTooBig { size: u64, limit: u64 },
    /// The zip has more entries than [`Limits::max_zip_entries`].
    #[error("zip has {count} entries, limit {limit}")]
    TooManyEntries { count: usize, limit: usize },
    /// One entry (`part`) or all entries together (`part` is `None`) declare more than
    /// [`Limits::max_uncompressed_bytes`].
    #[error("uncompressed size {size} of {part:?} exceeds {limit}")]
    Uncompressed {
        part: Option<String>,
        size: u64,
        limit: u64,
    },
    /// An entry above 1 MiB compressed better than [`Limits::max_compression_ratio`].
    #[error("entry {part} compresses {ratio:.0}:1, limit {limit}")]
    CompressionRatio {
        part: String,
        ratio: f64,
        limit: f64,
    },
    /// The entries' compressed sizes add up to more than the file: entries overlap, the
    /// trick of non-recursive zip bombs.
    #[error("entries claim {compressed} compressed bytes in a {file}-byte file")]
    OverlappingEntries { compressed: u64, file: u64 },
    /// The shared-string table claims more strings than [`Limits::max_shared_strings`].
    #[error("{part} claims {count} strings, limit {limit}")]
    SharedStrings {
        part: String,
        count: u64,
        limit: u64,
    },
    /// A sheet's extent (an `.xls` DIMENSIONS record or the bounding box of its cells, an
    /// `.ods` table after repeated rows/columns) exceeds the row, column or cell limits.
    #[error("sheet {sheet} spans {rows} rows x {cols} columns")]
    SheetTooLarge {
        sheet: String,
        rows: u64,
        cols: u64,
        max_rows: u32,
        max_cols: u32,
        max_cells: u64,
    },
    /// An XML part declares a DOCTYPE or entities (the vehicle of entity bombs), or its
    /// prolog does not end within the first 64 KiB.
    #[error("XML part {part} has a DOCTYPE/ENTITY declaration or an oversized prolog")]
    XmlDeclarations { part: String },
    /// A parser panicked while looking at the container (a bug in it, caught here).
    #[error("container parser panicked")]
    ParserPanic,
    /// A pipe, device or socket: never opened (opening a pipe waits for a writer).
    #[error("not a regular file")]
    NotRegular,
}

impl Rejection {
    /// The file-level issue code.
    pub fn code(&self) -> Code {
        use Rejection::*;
        match self {
            EncryptedPackage | EncryptedXls | EncryptedEntry(_) => Code::FileEncrypted,
            Unsupported(_) => Code::FileUnsupported,
            FileTooBig { .. }
            | TooManyEntries { .. }
            | Uncompressed { .. }
            | CompressionRatio { .. }
            | OverlappingEntries { .. }
            | SharedStrings { .. }
            | SheetTooLarge { .. } => Code::FileTooLarge,
            Io(_)
            | Empty
            | NotSpreadsheet(_)
            | BrokenZip(_)
            | BrokenPart { .. }
            | BrokenOle(_)
            | BadDimensions { .. }
            | NoWorkbook
            | XmlDeclarations { .. }
            | ParserPanic
            | NotRegular => Code::FileUnreadable,
        }
    }

    /// What was found and what the clerk should do, in Chinese.
    pub fn message(&self) -> String {
        use Rejection::*;
        const RESAVE: &str = "请用 Excel 或 WPS 打开后另存为新的 .xlsx 文件，重新报送";
        const BROKEN: &str = "文件不完整或已损坏（可能下载、拷贝时中断），无法读取。请从原电脑重新拷贝，或打开后另存为 .xlsx 重新报送";
        match self {
            Io(e) => match crate::os_error::advice(e) {
                "" => format!("文件无法打开：{}。请重新报送", crate::os_error::describe(e)),
                advice => format!("文件无法打开：{}。{advice}", crate::os_error::describe(e)),
            },
            Empty => "文件是空的（0 字节），可能保存或拷贝没有完成。请重新保存调查表后报送".into(),
            NotSpreadsheet(kind) => format!(
                "文件内容是{}，不是 Excel 工作簿。请报送填好的 .xlsx 调查表",
                not_sheet_label(*kind)
            ),
            BrokenZip(_) | BrokenPart { .. } | BrokenOle(_) => BROKEN.into(),
            BadDimensions { sheet } => {
                format!("第 {sheet} 个工作表的范围记录已损坏，无法读取。{RESAVE}")
            }
            NoWorkbook => "文件是一个压缩包，里面没有 Excel 工作簿。请直接报送 .xlsx 调查表，不要压缩打包".into(),
            EncryptedPackage | EncryptedXls | EncryptedEntry(_) => {
                "文件设有打开密码，请取消密码后重新报送".into()
            }
            Unsupported(kind) => format!(
                "文件是{}，系统无法读取。请另存为 .xlsx 后重新报送",
                unsupported_label(*kind)
            ),
            FileTooBig { size, limit } => format!(
                "文件大小 {} MB，超过调查表的合理大小（{} MB）。请删除多余的工作表和图片，另存为 .xlsx 后重新报送",
                mb(*size),
                mb(*limit)
            ),
            TooManyEntries { count, limit } => format!(
                "文件内部包含 {count} 个部件（正常调查表不超过 {limit} 个），疑似损坏或恶意构造的文件，已拒绝读取。{RESAVE}"
            ),
            Uncompressed { size, limit, .. } => format!(
                "文件解压后达 {} MB（上限 {} MB），疑似“压缩炸弹”，已拒绝读取。{RESAVE}",
                mb(*size),
                mb(*limit)
            ),
            CompressionRatio { ratio, .. } => format!(
                "文件内部数据压缩比高达 {ratio:.0} 倍，疑似“压缩炸弹”，已拒绝读取。{RESAVE}"
            ),
            OverlappingEntries { .. } => {
                format!("文件内部结构相互重叠，疑似“压缩炸弹”，已拒绝读取。{RESAVE}")
            }
            SharedStrings { count, limit, .. } => format!(
                "文件声称含有 {count} 个文本字符串（调查表上限 {limit} 个），疑似损坏或恶意构造的文件，已拒绝读取。{RESAVE}"
            ),
            SheetTooLarge { sheet, rows, cols, max_rows, max_cols, .. } => format!(
                "工作表{sheet}的数据范围达 {rows} 行 × {cols} 列，超出调查表的合理规模（最多 {max_rows} 行、{max_cols} 列）。请删除表格下方或右侧远处多余的内容和格式，另存为 .xlsx 后重新报送"
            ),
            XmlDeclarations { .. } => format!(
                "文件内部含有 Excel、WPS 不会生成的实体声明（疑似“XML 炸弹”），已拒绝读取。{RESAVE}"
            ),
            ParserPanic => format!("文件结构异常，无法读取。{RESAVE}"),
            NotRegular => format!(
                "{}。请报送 .xlsx 调查表文件本身",
                NOT_REGULAR
            ),
        }
    }
}

fn mb(bytes: u64) -> u64 {
    bytes.div_ceil(MIB)
}

fn not_sheet_label(kind: NotSheet) -> &'static str {
    match kind {
        NotSheet::Directory => "一个文件夹",
        NotSheet::Pdf => " PDF 文档",
        NotSheet::Archive => "压缩包（RAR、7z 或 gz）",
        NotSheet::Image => "图片",
        NotSheet::OtherOle => "其他 Office 文档",
        NotSheet::Binary => "无法识别的数据（可能已损坏，或只是改了扩展名）",
    }
}

fn unsupported_label(kind: Unsupported) -> &'static str {
    match kind {
        Unsupported::Text => "文本或 CSV 文件（不是 Excel 工作簿）",
        Unsupported::Html => "网页（HTML）格式的表格，只是扩展名为 .xls",
        Unsupported::XmlSpreadsheet => "Excel 2003 XML 表格",
        Unsupported::WpsSheet => " WPS 表格专用格式（.et/.ett）",
        Unsupported::WordDocument => "文字文档（Word 或 WPS 文字），不是表格",
        Unsupported::Presentation => "演示文稿（PowerPoint 或 WPS 演示），不是表格",
        Unsupported::Numbers => "苹果 Numbers 表格",
        Unsupported::OpenDocumentOther => " OpenDocument 文字或演示文档，不是表格",
        Unsupported::OldExcel => "过旧的 Excel 格式（Excel 4.0 以前）",
    }
}

/// Decides what `path` really is and checks it against `limits`, reading only container
/// metadata and bounded heads of its parts. Run it before handing the file to calamine.
pub fn inspect(path: &Path, limits: &Limits) -> Result<Format, Rejection> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| inspect_file(path, limits)))
        .unwrap_or(Err(Rejection::ParserPanic))
}

fn inspect_file(path: &Path, limits: &Limits) -> Result<Format, Rejection> {
    let ext = extension(path);
    let meta = std::fs::metadata(path).map_err(Rejection::Io)?;
    if meta.is_dir() {
        return Err(match ext.as_str() {
            "numbers" => Rejection::Unsupported(Unsupported::Numbers),
            _ => Rejection::NotSpreadsheet(NotSheet::Directory),
        });
    }
    if !meta.is_file() {
        return Err(Rejection::NotRegular);
    }
    let size = meta.len();
    if size == 0 {
        return Err(Rejection::Empty);
    }
    if size > limits.max_file_bytes {
        return Err(Rejection::FileTooBig {
            size,
            limit: limits.max_file_bytes,
        });
    }
    let mut file = File::open(path).map_err(Rejection::Io)?;
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    (&mut file)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(Rejection::Io)?;
    file.rewind().map_err(Rejection::Io)?;
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        inspect_zip(file, size, &ext, limits)
    } else if head.starts_with(&OLE_MAGIC) {
        inspect_ole(file, &ext, limits)
    } else {
        Err(sniff_other(&head, &ext))
    }
}

fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Names a file that is neither a zip nor an OLE container.
fn sniff_other(head: &[u8], ext: &str) -> Rejection {
    let starts = |m: &[u8]| head.starts_with(m);
    let not = Rejection::NotSpreadsheet;
    if ext == "numbers" {
        return Rejection::Unsupported(Unsupported::Numbers);
    }
    if starts(b"%PDF") {
        return not(NotSheet::Pdf);
    }
    if starts(b"Rar!") || starts(b"7z\xBC\xAF") || starts(b"\x1F\x8B") {
        return not(NotSheet::Archive);
    }
    if starts(b"\x89PNG") || starts(b"\xFF\xD8\xFF") || starts(b"GIF8") {
        return not(NotSheet::Image);
    }
    let bare_biff = head.len() >= 4
        && head[0] == 0x09
        && matches!(head[1], 0x00 | 0x02 | 0x04 | 0x08)
        && head[2] <= 0x20
        && head[3] == 0;
    if bare_biff {
        return Rejection::Unsupported(Unsupported::OldExcel);
    }
    match text_kind(head) {
        Some(kind) => Rejection::Unsupported(kind),
        None => not(NotSheet::Binary),
    }
}

/// `Some` when `head` looks like text, saying which kind.
fn text_kind(head: &[u8]) -> Option<Unsupported> {
    let utf16 = head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF");
    let text: String = if utf16 {
        // Excel's "Unicode text": keep the ASCII half of each code unit.
        head.iter()
            .filter(|b| **b != 0)
            .map(|b| *b as char)
            .collect()
    } else {
        let control = head
            .iter()
            .filter(|b| (**b < 0x20 && !b"\t\n\r\x0c".contains(b)) || **b == 0x7F)
            .count();
        if control * 100 > head.len() {
            return None;
        }
        String::from_utf8_lossy(head).into_owned()
    };
    let lower = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .to_lowercase();
    if lower.contains("urn:schemas-microsoft-com:office:spreadsheet") {
        Some(Unsupported::XmlSpreadsheet)
    } else if lower.starts_with('<') && (lower.contains("<html") || lower.contains("<table")) {
        Some(Unsupported::Html)
    } else {
        Some(Unsupported::Text)
    }
}

/// Refuse a sheet whose claimed or real extent is beyond the limits.
fn check_extent(sheet: String, rows: u64, cols: u64, limits: &Limits) -> Result<(), Rejection> {
    let too_large = rows > u64::from(limits.max_rows)
        || cols > u64::from(limits.max_cols)
        || rows.saturating_mul(cols) > limits.max_cells;
    if !too_large {
        return Ok(());
    }
    Err(Rejection::SheetTooLarge {
        sheet,
        rows,
        cols,
        max_rows: limits.max_rows,
        max_cols: limits.max_cols,
        max_cells: limits.max_cells,
    })
}

#[cfg(test)]
mod tests;
