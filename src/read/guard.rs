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

use std::fs::File;
use std::io::{self, BufReader, Read, Seek};
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use zip::ZipArchive;

use crate::issue::Code;

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
        }
    }
}

const MIB: u64 = 1024 * 1024;
/// Entries smaller than this are not held to the compression ratio.
const RATIO_MIN_BYTES: u64 = MIB;
/// How much of each XML part is inflated to look at its prolog and first elements.
const HEAD_BYTES: u64 = 64 * 1024;
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
            | ParserPanic => Code::FileUnreadable,
        }
    }

    /// What was found and what the clerk should do, in Chinese.
    pub fn message(&self) -> String {
        use Rejection::*;
        const RESAVE: &str = "请用 Excel 或 WPS 打开后另存为新的 .xlsx 文件，重新报送";
        const BROKEN: &str = "文件不完整或已损坏（可能下载、拷贝时中断），无法读取。请从原电脑重新拷贝，或打开后另存为 .xlsx 重新报送";
        match self {
            Io(e) => format!("文件无法打开（{e}）。请确认文件未被其他程序占用，重新报送"),
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

// ---------------------------------------------------------------- zip: xlsx, xlsb, ods

fn inspect_zip(file: File, size: u64, ext: &str, limits: &Limits) -> Result<Format, Rejection> {
    let mut zip = ZipArchive::new(BufReader::new(file)).map_err(Rejection::BrokenZip)?;
    if zip.len() > limits.max_zip_entries {
        return Err(Rejection::TooManyEntries {
            count: zip.len(),
            limit: limits.max_zip_entries,
        });
    }
    let names = check_entry_sizes(&mut zip, size, limits)?;
    let format = zip_format(&mut zip, &names, ext)?;
    for (index, name) in names.iter().enumerate() {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".xml") || lower.ends_with(".rels") {
            check_xml_head(&mut zip, index, name, limits)?;
        }
    }
    if format == Format::Ods {
        if let Some(index) = names.iter().position(|n| n == "META-INF/manifest.xml") {
            check_ods_manifest(&mut zip, index)?;
        }
        if let Some(index) = names.iter().position(|n| n == "content.xml") {
            check_ods_content(&mut zip, index, limits)?;
        }
    }
    Ok(format)
}

/// Checks each entry's declared sizes, ratio and encryption; returns the entry names.
fn check_entry_sizes<R: Read + Seek>(
    zip: &mut ZipArchive<R>,
    file_size: u64,
    limits: &Limits,
) -> Result<Vec<String>, Rejection> {
    let (mut total, mut compressed_total) = (0u64, 0u64);
    let mut names = Vec::with_capacity(zip.len());
    for index in 0..zip.len() {
        let entry = zip.by_index_raw(index).map_err(Rejection::BrokenZip)?;
        let name = entry.name().map_err(Rejection::BrokenZip)?.into_owned();
        let (size, compressed) = (entry.size(), entry.compressed_size());
        if entry.encrypted() {
            return Err(Rejection::EncryptedEntry(name));
        }
        let too_big = |part: Option<String>, size| Rejection::Uncompressed {
            part,
            size,
            limit: limits.max_uncompressed_bytes,
        };
        if size > limits.max_uncompressed_bytes {
            return Err(too_big(Some(name), size));
        }
        let ratio = size as f64 / compressed.max(1) as f64;
        if size > RATIO_MIN_BYTES && ratio > limits.max_compression_ratio {
            return Err(Rejection::CompressionRatio {
                part: name,
                ratio,
                limit: limits.max_compression_ratio,
            });
        }
        total = total.saturating_add(size);
        compressed_total = compressed_total.saturating_add(compressed);
        if total > limits.max_uncompressed_bytes {
            return Err(too_big(None, total));
        }
        names.push(name);
    }
    if compressed_total > file_size {
        return Err(Rejection::OverlappingEntries {
            compressed: compressed_total,
            file: file_size,
        });
    }
    Ok(names)
}

/// What kind of document the zip is, by its parts.
fn zip_format<R: Read + Seek>(
    zip: &mut ZipArchive<R>,
    names: &[String],
    ext: &str,
) -> Result<Format, Rejection> {
    let has = |pred: &dyn Fn(&str) -> bool| {
        names.iter().any(|n| {
            pred(
                &n.replace('\\', "/")
                    .trim_start_matches('/')
                    .to_ascii_lowercase(),
            )
        })
    };
    if let Some(index) = names.iter().position(|n| n == "mimetype") {
        let mut mime = Vec::new();
        let mut entry = zip.by_index(index).map_err(Rejection::BrokenZip)?;
        (&mut entry)
            .take(256)
            .read_to_end(&mut mime)
            .map_err(|source| broken_part("mimetype", source))?;
        if mime.starts_with(b"application/vnd.oasis.opendocument.spreadsheet") {
            return Ok(Format::Ods);
        }
        if mime.starts_with(b"application/vnd.oasis.opendocument") {
            return Err(Rejection::Unsupported(Unsupported::OpenDocumentOther));
        }
    }
    // calamine finds the workbook part through `_rels/.rels`, wherever it lies; some writers
    // put it at the root or use backslashes.
    if has(&|n| n.ends_with("workbook.bin")) {
        Ok(Format::Xlsb)
    } else if has(&|n| n == "workbook.xml" || n.ends_with("/workbook.xml")) {
        Ok(Format::Xlsx)
    } else if has(&|n| n.starts_with("word/")) {
        Err(Rejection::Unsupported(Unsupported::WordDocument))
    } else if has(&|n| n.starts_with("ppt/")) {
        Err(Rejection::Unsupported(Unsupported::Presentation))
    } else if ext == "numbers" || has(&|n| n.ends_with(".iwa") || n.starts_with("index/")) {
        Err(Rejection::Unsupported(Unsupported::Numbers))
    } else if matches!(ext, "et" | "ett") {
        Err(Rejection::Unsupported(Unsupported::WpsSheet))
    } else {
        Err(Rejection::NoWorkbook)
    }
}

fn broken_part(part: &str, source: io::Error) -> Rejection {
    Rejection::BrokenPart {
        part: part.to_string(),
        source,
    }
}

/// Inflates the first [`HEAD_BYTES`] of an XML part and checks its prolog (no DOCTYPE),
/// and a shared-string table's `uniqueCount`.
///
/// A worksheet's `<dimension ref>` is deliberately not checked: calamine 0.38 reserves from
/// it only below 100 000 cells, and real files claim `A1:XFD1048576` or `A1:XFD23` after
/// formatting whole rows (calamine's issue_174, POI's 53105, 51585). The reader's streaming
/// bound judges the cells that are really there.
fn check_xml_head<R: Read + Seek>(
    zip: &mut ZipArchive<R>,
    index: usize,
    name: &str,
    limits: &Limits,
) -> Result<(), Rejection> {
    let entry = zip.by_index(index).map_err(Rejection::BrokenZip)?;
    let full = entry.size() <= HEAD_BYTES;
    // Stream the head: a DOCTYPE can only stand before the root element, so parsing stops at
    // the root and a sheet is not inflated twice (the reader inflates it again for its cells).
    let head = std::io::BufReader::with_capacity(4096, entry.take(HEAD_BYTES));
    let mut reader = quick_xml::Reader::from_reader(head);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::DocType(_)) => return Err(Rejection::XmlDeclarations { part: name.into() }),
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                if e.local_name().as_ref() == "sst" {
                    check_shared_strings(&e, name, limits)?;
                }
                return Ok(());
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    // No root element within the head: a prolog that large is a declaration bomb.
    if !full {
        return Err(Rejection::XmlDeclarations { part: name.into() });
    }
    Ok(())
}

fn attr_u64(e: &BytesStart<'_>, name: &str) -> Option<u64> {
    let attr = e.try_get_attribute(name).ok()??;
    let digits = attr.value.trim();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // More digits than u64 holds is a huge claim, not an unreadable one.
    Some(digits.parse().unwrap_or(u64::MAX))
}

fn check_shared_strings(e: &BytesStart<'_>, part: &str, limits: &Limits) -> Result<(), Rejection> {
    // Only `uniqueCount` is trusted by calamine (it reserves that many strings); `count` is
    // the number of string cells and is wrong in some real files (POI's MalformedSSTCount).
    match attr_u64(e, "uniqueCount") {
        Some(count) if count > limits.max_shared_strings => Err(Rejection::SharedStrings {
            part: part.into(),
            count,
            limit: limits.max_shared_strings,
        }),
        _ => Ok(()),
    }
}

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

// ---------------------------------------------------------------- ods content.xml

/// Where a table's non-empty cells lie, counting repeated rows and columns the way calamine's
/// `ods.rs` expands them (it materializes the bounding box, up to 100 M cells).
#[derive(Default)]
struct OdsTable {
    name: String,
    rows_seen: u64,
    first_row: Option<u64>,
    end_row: u64,
    max_col: u64,
    row_repeats: u64,
    col: u64,
    row_max_col: u64,
}

impl OdsTable {
    fn start_row(&mut self, e: &BytesStart<'_>) {
        self.row_repeats = attr_u64(e, "table:number-rows-repeated").unwrap_or(1);
        self.col = 0;
        self.row_max_col = 0;
    }
    fn cell(&mut self, e: &BytesStart<'_>, has_content: bool) {
        let repeats = attr_u64(e, "table:number-columns-repeated").unwrap_or(1);
        self.col = self.col.saturating_add(repeats);
        let valued = e
            .try_get_attribute("office:value-type")
            .ok()
            .flatten()
            .is_some()
            || e.try_get_attribute("table:formula")
                .ok()
                .flatten()
                .is_some();
        if valued || has_content {
            self.row_max_col = self.col;
        }
    }
    fn end_row(&mut self) {
        if self.row_max_col > 0 {
            self.first_row.get_or_insert(self.rows_seen);
            self.end_row = self.rows_seen.saturating_add(self.row_repeats);
            self.max_col = self.max_col.max(self.row_max_col);
        }
        self.rows_seen = self.rows_seen.saturating_add(self.row_repeats);
    }
    fn check(&self, limits: &Limits) -> Result<(), Rejection> {
        let rows = self.end_row - self.first_row.unwrap_or(self.end_row);
        check_extent(format!("“{}”", self.name), rows, self.max_col, limits)
    }
}

/// Streams `content.xml` and checks each table's extent after row and column repeats.
fn check_ods_content<R: Read + Seek>(
    zip: &mut ZipArchive<R>,
    index: usize,
    limits: &Limits,
) -> Result<(), Rejection> {
    let entry = zip.by_index(index).map_err(Rejection::BrokenZip)?;
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(entry));
    let mut buf = Vec::new();
    let mut table = OdsTable::default();
    loop {
        buf.clear();
        let event = match reader.read_event_into(&mut buf) {
            Ok(event) => event,
            Err(quick_xml::Error::Io(source)) => {
                return Err(broken_part("content.xml", io::Error::other(source)))
            }
            Err(_) => return Ok(()), // malformed XML: calamine reports it itself
        };
        match event {
            Event::DocType(_) => {
                return Err(Rejection::XmlDeclarations {
                    part: "content.xml".into(),
                })
            }
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "table:table" => {
                let name = e.try_get_attribute("table:name").ok().flatten();
                let name = name.map(|a| a.value.into_owned());
                table = OdsTable {
                    name: name.unwrap_or_default(),
                    ..OdsTable::default()
                };
            }
            Event::Start(e) if e.name().as_ref() == "table:table-row" => table.start_row(&e),
            Event::Empty(e) if e.name().as_ref() == "table:table-row" => {
                table.start_row(&e);
                table.end_row();
            }
            Event::Start(e) if is_ods_cell(&e) => table.cell(&e, true),
            Event::Empty(e) if is_ods_cell(&e) => table.cell(&e, false),
            Event::End(e) if e.name().as_ref() == "table:table-row" => table.end_row(),
            Event::End(e) if e.name().as_ref() == "table:table" => table.check(limits)?,
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// An ODF package with an open password lists `<manifest:encryption-data>` for its parts.
fn check_ods_manifest<R: Read + Seek>(
    zip: &mut ZipArchive<R>,
    index: usize,
) -> Result<(), Rejection> {
    let mut manifest = Vec::new();
    let mut entry = zip.by_index(index).map_err(Rejection::BrokenZip)?;
    (&mut entry)
        .take(MIB)
        .read_to_end(&mut manifest)
        .map_err(|source| broken_part("META-INF/manifest.xml", source))?;
    let needle = b"encryption-data";
    if manifest.windows(needle.len()).any(|w| w == needle) {
        return Err(Rejection::EncryptedPackage);
    }
    Ok(())
}

fn is_ods_cell(e: &BytesStart<'_>) -> bool {
    let name = e.name();
    name.as_ref() == "table:table-cell" || name.as_ref() == "table:covered-table-cell"
}

// ---------------------------------------------------------------- OLE: xls, encrypted xlsx

fn inspect_ole(file: File, ext: &str, limits: &Limits) -> Result<Format, Rejection> {
    let mut ole = cfb::CompoundFile::open(BufReader::new(file)).map_err(Rejection::BrokenOle)?;
    let names: Vec<String> = ole
        .read_root_storage()
        .map(|entry| entry.name().to_string())
        .collect();
    let has = |wanted: &str| names.iter().any(|n| n.eq_ignore_ascii_case(wanted));
    if has("EncryptionInfo") || has("EncryptedPackage") {
        return Err(Rejection::EncryptedPackage);
    }
    let workbook = names
        .iter()
        .find(|n| n.eq_ignore_ascii_case("Workbook"))
        .or_else(|| names.iter().find(|n| n.eq_ignore_ascii_case("Book")));
    if let Some(stream_name) = workbook {
        let mut stream = ole
            .open_stream(format!("/{stream_name}"))
            .map_err(Rejection::BrokenOle)?;
        let mut biff = Vec::new();
        (&mut stream)
            .take(limits.max_file_bytes)
            .read_to_end(&mut biff)
            .map_err(Rejection::BrokenOle)?;
        scan_biff(&biff, limits)?;
        return Ok(Format::Xls);
    }
    Err(if has("WordDocument") {
        Rejection::Unsupported(Unsupported::WordDocument)
    } else if has("PowerPoint Document") {
        Rejection::Unsupported(Unsupported::Presentation)
    } else if matches!(ext, "et" | "ett") {
        Rejection::Unsupported(Unsupported::WpsSheet)
    } else {
        Rejection::NotSpreadsheet(NotSheet::OtherOle)
    })
}

/// Bounding box of the cells of one BIFF substream, as calamine's `Range::from_sparse` sees it.
#[derive(Default)]
struct BiffBox {
    rows: Option<(u32, u32)>,
    cols: Option<(u32, u32)>,
}

impl BiffBox {
    fn add(&mut self, row: u16, first_col: u16, last_col: u16) {
        let (row, c0, c1) = (u32::from(row), u32::from(first_col), u32::from(last_col));
        self.rows = Some(
            self.rows
                .map_or((row, row), |(a, b)| (a.min(row), b.max(row))),
        );
        self.cols = Some(self.cols.map_or((c0, c1), |(a, b)| (a.min(c0), b.max(c1))));
    }
    fn check(&self, sheet: usize, limits: &Limits) -> Result<(), Rejection> {
        let (Some((r0, r1)), Some((c0, c1))) = (self.rows, self.cols) else {
            return Ok(());
        };
        let (rows, cols) = (u64::from(r1 - r0) + 1, u64::from(c1.saturating_sub(c0)) + 1);
        check_extent(format!("（第 {sheet} 个）"), rows, cols, limits)
    }
}

/// Walks the BIFF records of an `.xls` workbook stream: FILEPASS means encrypted; each sheet's
/// DIMENSIONS claim (calamine reserves rows × cols cells from it) and the bounding box of its
/// cell records (calamine allocates it) must stay within the limits.
fn scan_biff(stream: &[u8], limits: &Limits) -> Result<(), Rejection> {
    let (mut pos, mut depth, mut sheet) = (0usize, 0usize, 0usize);
    let mut cells = BiffBox::default();
    while let Some(header) = stream.get(pos..pos + 4) {
        let typ = u16::from_le_bytes([header[0], header[1]]);
        let len = usize::from(u16::from_le_bytes([header[2], header[3]]));
        let Some(data) = stream.get(pos + 4..pos + 4 + len) else {
            break; // truncated: calamine reports it
        };
        pos += 4 + len;
        let u16_at = |at: usize| {
            data.get(at..at + 2)
                .map(|b| u16::from_le_bytes([b[0], b[1]]))
        };
        match typ {
            0x0809 | 0x0409 | 0x0209 | 0x0009 => {
                if depth == 0 {
                    cells.check(sheet.saturating_sub(1), limits)?;
                    cells = BiffBox::default();
                    sheet += 1;
                }
                depth += 1;
            }
            0x000A => depth = depth.saturating_sub(1),
            0x002F => return Err(Rejection::EncryptedXls),
            0x0200 => check_biff_dimensions(data, sheet.saturating_sub(1), limits)?,
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 if depth == 1 => {
                if let (Some(row), Some(col)) = (u16_at(0), u16_at(2)) {
                    cells.add(row, col, col);
                }
            }
            0x00BD if depth == 1 && len >= 6 => {
                if let (Some(row), Some(first), Some(last)) =
                    (u16_at(0), u16_at(2), u16_at(len - 2))
                {
                    cells.add(row, first, last.max(first));
                }
            }
            _ => {}
        }
    }
    cells.check(sheet.saturating_sub(1), limits)?;
    scan_boundsheets(stream, limits)
}

/// calamine reads each sheet from the offset its BOUNDSHEET record gives, not in stream order,
/// so a crafted offset shows it records the walk above never saw (found by fuzzing:
/// `tests/data/fuzz/`). Walk each sheet as calamine does: from its offset to the first EOF
/// outside nested substreams.
fn scan_boundsheets(stream: &[u8], limits: &Limits) -> Result<(), Rejection> {
    let mut offsets = Vec::new();
    for (typ, data) in biff_records(stream) {
        match typ {
            0x0085 if data.len() >= 4 => {
                offsets.push(u32::from_le_bytes([data[0], data[1], data[2], data[3]]) as usize);
            }
            0x000A => break,
            _ => {}
        }
    }
    for (index, offset) in offsets.into_iter().enumerate() {
        let Some(sheet) = stream.get(offset..) else {
            continue; // calamine fails on it (the reader turns its panic into an issue)
        };
        let (mut cells, mut seen_bof, mut depth) = (BiffBox::default(), false, 0usize);
        for (typ, data) in biff_records(sheet) {
            let u16_at = |at: usize| {
                data.get(at..at + 2)
                    .map(|b| u16::from_le_bytes([b[0], b[1]]))
            };
            if depth > 0 {
                depth = match typ {
                    0x0809 => depth + 1,
                    0x000A => depth - 1,
                    _ => depth,
                };
                continue;
            }
            match typ {
                0x0809 if seen_bof => depth += 1,
                0x0809 => seen_bof = true,
                0x000A => break,
                0x0200 => check_biff_dimensions(data, index + 1, limits)?,
                0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                    if let (Some(row), Some(col)) = (u16_at(0), u16_at(2)) {
                        cells.add(row, col, col);
                    }
                }
                0x00BD if data.len() >= 6 => {
                    if let (Some(row), Some(first), Some(last)) =
                        (u16_at(0), u16_at(2), u16_at(data.len() - 2))
                    {
                        cells.add(row, first, last.max(first));
                    }
                }
                _ => {}
            }
        }
        cells.check(index + 1, limits)?;
    }
    Ok(())
}

/// The (type, data) of each BIFF record of `stream`, up to a truncated one.
fn biff_records(stream: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut pos = 0usize;
    std::iter::from_fn(move || {
        let header = stream.get(pos..pos + 4)?;
        let typ = u16::from_le_bytes([header[0], header[1]]);
        let len = usize::from(u16::from_le_bytes([header[2], header[3]]));
        let data = stream.get(pos + 4..pos + 4 + len)?;
        pos += 4 + len;
        Some((typ, data))
    })
}

/// Mirrors calamine's `parse_dimensions`, which then reserves rows × cols cells.
fn check_biff_dimensions(data: &[u8], sheet: usize, limits: &Limits) -> Result<(), Rejection> {
    let u16_at = |at: usize| u32::from(u16::from_le_bytes([data[at], data[at + 1]]));
    let u32_at =
        |at: usize| u32::from_le_bytes([data[at], data[at + 1], data[at + 2], data[at + 3]]);
    let (first_row, last_row, mut first_col, last_col) = match data.len() {
        10 => (u16_at(0), u16_at(2), u16_at(4), u16_at(6)),
        14 | 16 => (u32_at(0), u32_at(4), u16_at(8), u16_at(10)),
        _ => return Ok(()), // calamine refuses other lengths itself
    };
    if first_col > 0xFF || last_col < first_col {
        first_col = 0;
    }
    if last_row == 0 || last_col == 0 {
        return Ok(()); // calamine treats it as a single cell
    }
    if first_row > last_row - 1 {
        return Err(Rejection::BadDimensions { sheet });
    }
    let rows = u64::from(last_row - first_row);
    let cols = u64::from(last_col - first_col);
    check_extent(format!("（第 {sheet} 个）"), rows, cols, limits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::hostile::{biff, dimensions, number, ole, record, write_zip};
    use std::path::PathBuf;

    fn temp() -> tempfile::TempDir {
        tempfile::tempdir().expect("temp dir")
    }

    const SHEET: &[u8] = br#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:Y300"/><sheetData/></worksheet>"#;

    /// A minimal xlsx whose `part` is replaced by `bytes`.
    fn xlsx_with(dir: &Path, part: &str, bytes: &[u8]) -> PathBuf {
        let mut parts: Vec<(&str, &[u8])> = vec![
            ("[Content_Types].xml", b"<Types/>"),
            ("xl/workbook.xml", b"<workbook/>"),
            ("xl/worksheets/sheet1.xml", SHEET),
            (
                "xl/sharedStrings.xml",
                br#"<sst count="3" uniqueCount="2"/>"#,
            ),
        ];
        parts.retain(|(name, _)| *name != part);
        parts.push((part, bytes));
        write_zip(dir, "form.xlsx", &parts)
    }

    fn rejected(path: &Path, limits: &Limits) -> Rejection {
        let rejection = inspect(path, limits).expect_err("must be rejected");
        let message = rejection.message();
        assert!(message
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
        rejection
    }

    fn code(path: &Path) -> Code {
        rejected(path, &Limits::default()).code()
    }

    fn real_xlsx(dir: &Path) -> PathBuf {
        let path = dir.join("real.xlsx");
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("党组织情况").expect("name");
        sheet.write_string(0, 0, "党组织名称").expect("write");
        sheet.write_number(1, 5, 12.0).expect("write");
        book.save(&path).expect("save");
        path
    }

    #[test]
    fn a_normal_xlsx_written_by_rust_xlsxwriter_passes() {
        let dir = temp();
        let path = real_xlsx(dir.path());
        assert_eq!(inspect(&path, &Limits::default()).ok(), Some(Format::Xlsx));
    }

    #[test]
    fn a_minimal_hand_built_xlsx_passes() {
        let dir = temp();
        let path = xlsx_with(dir.path(), "xl/styles.xml", b"<styleSheet/>");
        assert_eq!(inspect(&path, &Limits::default()).ok(), Some(Format::Xlsx));
    }

    #[test]
    fn empty_random_and_truncated_files_are_unreadable() {
        let dir = temp();
        let empty = dir.path().join("empty.xlsx");
        File::create(&empty).expect("create");
        assert!(matches!(
            rejected(&empty, &Limits::default()),
            Rejection::Empty
        ));

        let random = dir.path().join("random.xlsx");
        let bytes: Vec<u8> = (0u32..4096)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect();
        std::fs::write(&random, bytes).expect("write");
        assert!(matches!(
            rejected(&random, &Limits::default()),
            Rejection::NotSpreadsheet(NotSheet::Binary)
        ));

        let real = std::fs::read(real_xlsx(dir.path())).expect("read");
        let cut = dir.path().join("cut.xlsx");
        std::fs::write(&cut, &real[..real.len() / 2]).expect("write");
        assert!(matches!(
            rejected(&cut, &Limits::default()),
            Rejection::BrokenZip(_)
        ));
        assert_eq!(code(&cut), Code::FileUnreadable);
    }

    #[test]
    fn a_pdf_and_a_zip_of_forms_are_not_spreadsheets() {
        let dir = temp();
        let pdf = dir.path().join("scan.xlsx");
        std::fs::write(&pdf, b"%PDF-1.7\n...").expect("write");
        assert!(matches!(
            rejected(&pdf, &Limits::default()),
            Rejection::NotSpreadsheet(NotSheet::Pdf)
        ));
        let zip = write_zip(dir.path(), "forms.zip", &[("a.txt", b"x")]);
        assert!(matches!(
            rejected(&zip, &Limits::default()),
            Rejection::NoWorkbook
        ));
    }

    #[test]
    fn shared_strings_claiming_10_to_the_11_entries_are_refused() {
        let dir = temp();
        let sst = br#"<?xml version="1.0"?><sst xmlns="x" count="1" uniqueCount="100000000000"><si><t>a</t></si></sst>"#;
        let path = xlsx_with(dir.path(), "xl/sharedStrings.xml", sst);
        let rejection = rejected(&path, &Limits::default());
        assert!(matches!(
            rejection,
            Rejection::SharedStrings {
                count: 100_000_000_000,
                ..
            }
        ));
        assert_eq!(rejection.code(), Code::FileTooLarge);
    }

    #[test]
    fn a_dimension_claim_alone_is_not_refused() {
        // Real files claim the whole grid after formatting whole rows; calamine does not
        // allocate from the claim, and the reader bounds the cells actually present.
        let dir = temp();
        let sheet = br#"<worksheet><sheetPr/><dimension ref="A1:XFD1048576"/><sheetData><row r="1"/></sheetData></worksheet>"#;
        let path = xlsx_with(dir.path(), "xl/worksheets/sheet1.xml", sheet);
        assert_eq!(inspect(&path, &Limits::default()).ok(), Some(Format::Xlsx));
    }

    #[test]
    fn a_huge_count_with_a_small_unique_count_passes() {
        let dir = temp();
        let sst = br#"<sst count="8876876876876" uniqueCount="8"/>"#;
        let path = xlsx_with(dir.path(), "xl/sharedStrings.xml", sst);
        assert_eq!(inspect(&path, &Limits::default()).ok(), Some(Format::Xlsx));
    }

    #[test]
    fn workbooks_at_the_root_or_with_backslashes_are_xlsx() {
        let dir = temp();
        for name in ["workbook.xml", "xl\\workbook.xml"] {
            let path = write_zip(
                dir.path(),
                "odd.xlsx",
                &[("[content_types].xml", b"<Types/>"), (name, b"<workbook/>")],
            );
            assert_eq!(
                inspect(&path, &Limits::default()).ok(),
                Some(Format::Xlsx),
                "{name}"
            );
        }
    }

    #[test]
    fn an_entity_bomb_is_refused() {
        let dir = temp();
        let bomb = br#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><workbook>&lol2;</workbook>"#;
        let path = xlsx_with(dir.path(), "xl/workbook.xml", bomb);
        assert!(matches!(
            rejected(&path, &Limits::default()),
            Rejection::XmlDeclarations { .. }
        ));
    }

    #[test]
    fn a_zip_bomb_is_refused_by_ratio_and_by_size() {
        let dir = temp();
        let zeros = vec![b' '; 8 * MIB as usize];
        let path = xlsx_with(dir.path(), "xl/worksheets/sheet1.xml", &zeros);
        let rejection = rejected(&path, &Limits::default());
        assert!(
            matches!(rejection, Rejection::CompressionRatio { .. }),
            "{rejection:?}"
        );
        assert_eq!(rejection.code(), Code::FileTooLarge);
        let small = Limits {
            max_uncompressed_bytes: MIB,
            ..Limits::default()
        };
        assert!(matches!(
            rejected(&path, &small),
            Rejection::Uncompressed { size, .. } if size == 8 * MIB
        ));
    }

    #[test]
    fn too_many_entries_and_too_big_files_are_refused() {
        let dir = temp();
        let path = real_xlsx(dir.path());
        let tight = Limits {
            max_zip_entries: 3,
            ..Limits::default()
        };
        assert!(matches!(
            rejected(&path, &tight),
            Rejection::TooManyEntries { .. }
        ));
        let tiny = Limits {
            max_file_bytes: 100,
            ..Limits::default()
        };
        assert!(matches!(
            rejected(&path, &tiny),
            Rejection::FileTooBig { .. }
        ));
    }

    #[test]
    fn an_encrypted_xlsx_is_encrypted() {
        let dir = temp();
        let path = ole(
            dir.path(),
            "secret.xlsx",
            &[
                ("EncryptionInfo", vec![4, 0, 4, 0]),
                ("EncryptedPackage", vec![0; 64]),
            ],
        );
        let rejection = rejected(&path, &Limits::default());
        assert!(matches!(rejection, Rejection::EncryptedPackage));
        assert_eq!(rejection.code(), Code::FileEncrypted);
        assert_eq!(
            rejection.message(),
            "文件设有打开密码，请取消密码后重新报送"
        );
    }

    #[test]
    fn an_xls_with_filepass_is_encrypted() {
        let dir = temp();
        let stream = biff(&[record(0x002F, &[1, 0, 1, 0])], &[]);
        let path = ole(dir.path(), "secret.xls", &[("Workbook", stream)]);
        assert_eq!(code(&path), Code::FileEncrypted);
    }

    #[test]
    fn a_plain_xls_passes_even_named_et() {
        let dir = temp();
        let stream = biff(&[], &[dimensions(300, 25), number(0, 0), number(299, 24)]);
        for name in ["form.xls", "form.et"] {
            let path = ole(dir.path(), name, &[("Workbook", stream.clone())]);
            assert_eq!(inspect(&path, &Limits::default()).ok(), Some(Format::Xls));
        }
    }

    #[test]
    fn xls_dimensions_and_far_apart_cells_are_refused() {
        let dir = temp();
        let claim = biff(&[], &[dimensions(1_000_000_000, 255)]);
        let path = ole(dir.path(), "claim.xls", &[("Workbook", claim)]);
        assert_eq!(code(&path), Code::FileTooLarge);
        let far = biff(&[], &[number(0, 0), number(65_535, 60_000)]);
        let path = ole(dir.path(), "far.xls", &[("Workbook", far)]);
        assert!(matches!(
            rejected(&path, &Limits::default()),
            Rejection::SheetTooLarge {
                rows: 65_536,
                cols: 60_001,
                ..
            }
        ));
        let mut inverted = 10u32.to_le_bytes().to_vec();
        inverted.extend(5u32.to_le_bytes());
        inverted.extend([0, 0, 3, 0, 0, 0]);
        let bad = biff(&[], &[record(0x0200, &inverted)]);
        let path = ole(dir.path(), "inverted.xls", &[("Workbook", bad)]);
        assert!(matches!(
            rejected(&path, &Limits::default()),
            Rejection::BadDimensions { sheet: 1 }
        ));
    }

    #[test]
    fn wps_word_numbers_csv_and_html_are_unsupported() {
        let dir = temp();
        let et = ole(dir.path(), "wps.et", &[("WpsContent", vec![1, 2, 3])]);
        let wps = ole(dir.path(), "doc.wps", &[("WordDocument", vec![1, 2, 3])]);
        let numbers = write_zip(dir.path(), "form.numbers", &[("Index/Document.iwa", b"x")]);
        let csv = dir.path().join("form.csv");
        std::fs::write(&csv, "党组织名称,正式党员数\n白马村党支部,12\n").expect("write");
        let html = dir.path().join("export.xls");
        std::fs::write(
            &html,
            "<html><body><table><tr><td>1</td></tr></table></body></html>",
        )
        .expect("write");
        let cases = [
            (et, Unsupported::WpsSheet),
            (wps, Unsupported::WordDocument),
            (numbers, Unsupported::Numbers),
            (csv, Unsupported::Text),
            (html, Unsupported::Html),
        ];
        for (path, kind) in cases {
            let rejection = rejected(&path, &Limits::default());
            assert!(
                matches!(rejection, Rejection::Unsupported(k) if k == kind),
                "{path:?}"
            );
            assert_eq!(rejection.code(), Code::FileUnsupported);
            assert!(rejection.message().contains("请另存为 .xlsx 后重新报送"));
        }
    }

    fn ods(dir: &Path, table_body: &str) -> PathBuf {
        let content = format!(
            r#"<?xml version="1.0"?><office:document-content><office:body><office:spreadsheet><table:table table:name="党组织情况">{table_body}</table:table></office:spreadsheet></office:body></office:document-content>"#
        );
        write_zip(
            dir,
            "form.ods",
            &[
                (
                    "mimetype",
                    b"application/vnd.oasis.opendocument.spreadsheet",
                ),
                ("content.xml", content.as_bytes()),
            ],
        )
    }

    #[test]
    fn an_ods_with_trailing_empty_repeats_passes() {
        let dir = temp();
        let body = r#"<table:table-row><table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell><table:table-cell table:number-columns-repeated="16383"/></table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>"#;
        let path = ods(dir.path(), body);
        assert_eq!(inspect(&path, &Limits::default()).ok(), Some(Format::Ods));
    }

    #[test]
    fn an_ods_with_an_open_password_is_encrypted() {
        let dir = temp();
        let manifest = br#"<manifest:manifest><manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data manifest:checksum-type="SHA1"/></manifest:file-entry></manifest:manifest>"#;
        let path = write_zip(
            dir.path(),
            "secret.ods",
            &[
                (
                    "mimetype",
                    b"application/vnd.oasis.opendocument.spreadsheet",
                ),
                ("META-INF/manifest.xml", manifest),
                ("content.xml", b"\x00\x01binary"),
            ],
        );
        assert_eq!(code(&path), Code::FileEncrypted);
    }

    #[test]
    fn an_ods_repeating_a_filled_row_a_million_times_is_refused() {
        let dir = temp();
        let body = r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell office:value-type="string" table:number-columns-repeated="1000"><text:p>x</text:p></table:table-cell></table:table-row>"#;
        let path = ods(dir.path(), body);
        assert!(matches!(
            rejected(&path, &Limits::default()),
            Rejection::SheetTooLarge {
                rows: 1_000_000,
                cols: 1_000,
                ..
            }
        ));
    }
}
