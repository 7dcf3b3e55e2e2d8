//! Modules import downward: no two files of src/ reach each other through `use` paths.
//!
//! Each crate (the library from src/lib.rs, the binary from src/main.rs) is read file by file,
//! following `mod name;` declarations. Every path naming a module (`use crate::…`, `super::…`,
//! `self::…`, a child module's name, in a `use` or inline in code) is an edge from its file to
//! the file holding the deepest module it names. A child using its own parent is not an edge.
//! A cycle is a strongly connected component of more than one file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::support::root;

type ModPath = Vec<String>;

/// One file of a crate: its module path and the module paths its code names, with the inline
/// modules (`mod tests { … }`) each was named from.
struct Source {
    file: PathBuf,
    named: Vec<(ModPath, ModPath)>,
}

#[test]
fn no_import_cycles_among_src_files() {
    let mut report = String::new();
    for crate_root in ["src/lib.rs", "src/main.rs"] {
        for component in cycles(&root().join(crate_root)) {
            report.push_str(&format!("cycle in {crate_root}:\n{component}\n"));
        }
    }
    assert!(report.is_empty(), "{report}");
}

/// The cycles of the crate rooted at `crate_root`, each listed with its edges.
fn cycles(crate_root: &Path) -> Vec<String> {
    let mut sources = BTreeMap::new();
    read_module(crate_root, Vec::new(), &mut sources);
    let edges = edges(&sources);
    strongly_connected(&edges)
        .into_iter()
        .filter(|component| component.len() > 1)
        .map(|component| describe(&component, &edges, &sources))
        .collect()
}

fn describe(
    component: &BTreeSet<ModPath>,
    edges: &BTreeMap<ModPath, BTreeSet<ModPath>>,
    sources: &BTreeMap<ModPath, Source>,
) -> String {
    let name = |m: &ModPath| {
        let file = &sources[m].file;
        file.strip_prefix(root())
            .unwrap_or(file)
            .display()
            .to_string()
    };
    let mut text = String::new();
    for from in component {
        let inside: Vec<String> = edges[from]
            .iter()
            .filter(|to| component.contains(*to))
            .map(name)
            .collect();
        text.push_str(&format!("  {} -> {}\n", name(from), inside.join(", ")));
    }
    text
}

fn read_module(file: &Path, module: ModPath, sources: &mut BTreeMap<ModPath, Source>) {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let tokens = tokens(&text);
    let is_dir_module = matches!(
        file.file_name().and_then(|n| n.to_str()),
        Some("mod.rs" | "lib.rs" | "main.rs")
    );
    let dir = if is_dir_module {
        file.parent().expect("a folder").to_path_buf()
    } else {
        file.with_extension("")
    };
    let (named, children) = walk(&tokens);
    sources.insert(
        module.clone(),
        Source {
            file: file.to_path_buf(),
            named,
        },
    );
    for child in children {
        let stem = dir.join(child.join("/"));
        let flat = stem.with_extension("rs");
        let child_file = if flat.exists() {
            flat
        } else {
            stem.join("mod.rs")
        };
        let mut child_module = module.clone();
        child_module.extend(child);
        read_module(&child_file, child_module, sources);
    }
}

/// The paths a file names (with the inline modules each sits in), and its file modules
/// (`mod name;`, inside any inline modules).
fn walk(tokens: &[String]) -> (Vec<(ModPath, ModPath)>, Vec<ModPath>) {
    let mut named = Vec::new();
    let mut children = Vec::new();
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0;
    let mut i = 0;
    let at = |i: usize| tokens.get(i).map(String::as_str).unwrap_or("");
    while i < tokens.len() {
        let inline_path: ModPath = inline.iter().map(|(name, _)| name.clone()).collect();
        match at(i) {
            "{" => depth += 1,
            "}" => {
                depth -= 1;
                if inline.last().is_some_and(|(_, d)| *d > depth) {
                    inline.pop();
                }
            }
            "mod" if at(i + 2) == "{" => inline.push((at(i + 1).to_string(), depth + 1)),
            "mod" if at(i + 2) == ";" => {
                let mut child = inline_path;
                child.push(at(i + 1).to_string());
                children.push(child);
            }
            "use" => {
                i += 1;
                let mut paths = Vec::new();
                use_tree(tokens, &mut i, Vec::new(), &mut paths);
                named.extend(paths.into_iter().map(|p| (inline_path.clone(), p)));
                continue;
            }
            word if is_ident(word) && at(i + 1) == "::" && at(i.wrapping_sub(1)) != "::" => {
                let mut path = vec![word.to_string()];
                while at(i + 1) == "::" && is_ident(at(i + 2)) {
                    path.push(at(i + 2).to_string());
                    i += 2;
                }
                named.push((inline_path, path));
            }
            _ => {}
        }
        i += 1;
    }
    (named, children)
}

/// Expands a `use` tree from `tokens[*i]` to its `;` (or the `,`/`}` ending a branch).
fn use_tree(tokens: &[String], i: &mut usize, mut prefix: ModPath, out: &mut Vec<ModPath>) {
    let at = |i: usize| tokens.get(i).map(String::as_str).unwrap_or(";");
    loop {
        match at(*i) {
            "::" => *i += 1,
            "{" => {
                *i += 1;
                while at(*i) != "}" {
                    use_tree(tokens, i, prefix.clone(), out);
                    if at(*i) == "," {
                        *i += 1;
                    }
                }
                *i += 1;
                break;
            }
            "*" => {
                *i += 1;
                out.push(prefix);
                break;
            }
            word if is_ident(word) => {
                prefix.push(word.to_string());
                *i += 1;
                if at(*i) == "as" {
                    *i += 2;
                }
                if at(*i) != "::" {
                    out.push(prefix);
                    break;
                }
            }
            _ => break,
        }
    }
    if at(*i) == ";" {
        *i += 1;
    }
}

/// Each file's edges: to the files holding the modules its paths name, parents excepted.
fn edges(sources: &BTreeMap<ModPath, Source>) -> BTreeMap<ModPath, BTreeSet<ModPath>> {
    let mut edges = BTreeMap::new();
    for (module, source) in sources {
        let targets: BTreeSet<ModPath> = source
            .named
            .iter()
            .filter_map(|(inline, path)| resolve(sources, module, inline, path))
            .filter(|target| !module.starts_with(target))
            .collect();
        edges.insert(module.clone(), targets);
    }
    edges
}

/// The file module holding the deepest module `path` names, if it names one of this crate.
fn resolve(
    sources: &BTreeMap<ModPath, Source>,
    module: &ModPath,
    inline: &ModPath,
    path: &ModPath,
) -> Option<ModPath> {
    let mut here: ModPath = module.iter().chain(inline).cloned().collect();
    let mut rest = path.iter().peekable();
    match rest.peek().map(|s| s.as_str()) {
        Some("crate" | "$crate") => {
            here.clear();
            rest.next();
        }
        Some("self") => {
            rest.next();
        }
        Some("super") => {
            while rest.next_if(|s| *s == "super").is_some() {
                here.pop();
            }
        }
        Some(first) => {
            let mut child = here.clone();
            child.push(first.to_string());
            if !sources.contains_key(&child) {
                return None;
            }
        }
        None => return None,
    }
    for segment in rest.filter(|s| *s != "self") {
        here.push(segment.clone());
        if !sources.contains_key(&here) {
            here.pop();
            break;
        }
    }
    while !sources.contains_key(&here) {
        here.pop();
    }
    Some(here)
}

/// Tarjan's strongly connected components.
fn strongly_connected(edges: &BTreeMap<ModPath, BTreeSet<ModPath>>) -> Vec<BTreeSet<ModPath>> {
    struct State<'a> {
        edges: &'a BTreeMap<ModPath, BTreeSet<ModPath>>,
        index: BTreeMap<&'a ModPath, (usize, usize)>,
        stack: Vec<&'a ModPath>,
        on_stack: BTreeSet<&'a ModPath>,
        found: Vec<BTreeSet<ModPath>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a ModPath) {
        let n = s.index.len();
        s.index.insert(v, (n, n));
        s.stack.push(v);
        s.on_stack.insert(v);
        let edges = s.edges;
        for w in &edges[v] {
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.index[v].1.min(s.index[w].1);
                s.index.get_mut(v).expect("visited").1 = low;
            } else if s.on_stack.contains(w) {
                let low = s.index[v].1.min(s.index[w].0);
                s.index.get_mut(v).expect("visited").1 = low;
            }
        }
        if s.index[v].0 == s.index[v].1 {
            let mut component = BTreeSet::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.insert(w.clone());
                if w == v {
                    break;
                }
            }
            s.found.push(component);
        }
    }
    let mut state = State {
        edges,
        index: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in edges.keys() {
        if !state.index.contains_key(v) {
            visit(&mut state, v);
        }
    }
    state.found
}

fn is_ident(token: &str) -> bool {
    token
        .chars()
        .next()
        .is_some_and(|c| c == '_' || c == '$' || c.is_alphabetic())
}

/// Rust source as identifiers, `::` and single punctuation, without comments, strings,
/// characters, lifetimes or numbers.
fn tokens(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut open = 0;
            loop {
                if at(i) == '/' && at(i + 1) == '*' {
                    open += 1;
                    i += 2;
                } else if at(i) == '*' && at(i + 1) == '/' {
                    open -= 1;
                    i += 2;
                    if open == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if let Some(end) = raw_string_end(&chars, i) {
            i = end;
        } else if c == '"' || (c == 'b' && at(i + 1) == '"') {
            i += if c == 'b' { 2 } else { 1 };
            while at(i) != '"' {
                i += if at(i) == '\\' { 2 } else { 1 };
            }
            i += 1;
        } else if c == '\'' {
            if at(i + 1) == '\\' {
                i += 2;
                while at(i) != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                i += 1;
                while at(i) == '_' || at(i).is_alphanumeric() {
                    i += 1;
                }
            }
        } else if c.is_ascii_digit() {
            while at(i) == '_'
                || at(i) == '.' && at(i + 1).is_ascii_digit()
                || at(i).is_alphanumeric()
            {
                i += 1;
            }
        } else if c == '_' || c == '$' || c.is_alphabetic() {
            let start = i;
            i += 1;
            while at(i) == '_' || at(i).is_alphanumeric() {
                i += 1;
            }
            out.push(chars[start..i].iter().collect());
        } else if c == ':' && at(i + 1) == ':' {
            out.push("::".to_string());
            i += 2;
        } else {
            out.push(c.to_string());
            i += 1;
        }
    }
    out
}

/// Where a raw string starting at `i` (`r"…"`, `r#"…"#`, `br"…"`) ends, if one does.
fn raw_string_end(chars: &[char], i: usize) -> Option<usize> {
    let mut j = i;
    if chars.get(j) == Some(&'b') {
        j += 1;
    }
    if chars.get(j) != Some(&'r')
        || (i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_'))
    {
        return None;
    }
    j += 1;
    let hashes = chars[j..].iter().take_while(|c| **c == '#').count();
    j += hashes;
    if chars.get(j) != Some(&'"') {
        return None;
    }
    j += 1;
    loop {
        if chars[j] == '"'
            && chars[j + 1..]
                .iter()
                .take(hashes)
                .filter(|c| **c == '#')
                .count()
                == hashes
        {
            return Some(j + 1 + hashes);
        }
        j += 1;
    }
}
