//! The shape of the code that ARCHITECTURE.md promises: no import circle in
//! `src/`, between top-level modules or between the files of one module.
//! A module's own children and their `super::` are not circles; test code
//! (`tests.rs`, `#[cfg(test)] mod tests`) is left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A file's module path: `src/payload/read.rs` is `["payload", "read"]`.
type Module = Vec<String>;

fn modules(dir: &Path, prefix: &[String], out: &mut BTreeMap<Module, PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let mut module = prefix.to_vec();
        if path.is_dir() {
            module.push(name);
            modules(&path, &module, out);
        } else if path.extension().is_some_and(|e| e == "rs") && name != "tests" {
            if !matches!(name.as_str(), "mod" | "lib" | "main") {
                module.push(name);
            }
            out.insert(module, path);
        }
    }
}

/// The code of a file without comments and without its test module.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => &text[..],
    };
    text.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

/// The modules a file names: `crate::a::b`, `super::c`, and a child's `c::`.
fn uses(module: &Module, is_mod_file: bool, code: &str, all: &BTreeMap<Module, PathBuf>) -> BTreeSet<Module> {
    let resolve = |path: Vec<String>| (0..=path.len()).rev().map(|n| path[..n].to_vec()).find(|m| all.contains_key(m));
    let mut found = BTreeSet::new();
    let words: Vec<&str> = code.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).filter(|w| w.contains("::")).collect();
    for word in words {
        let segments: Vec<String> = word.split("::").filter(|s| !s.is_empty()).map(str::to_string).collect();
        let Some(first) = segments.first() else { continue };
        let path = match first.as_str() {
            "crate" => segments[1..].to_vec(),
            "super" => module[..module.len().saturating_sub(1)].iter().cloned().chain(segments[1..].iter().cloned()).collect(),
            "self" => module.iter().cloned().chain(segments[1..].iter().cloned()).collect(),
            _ if is_mod_file && all.contains_key(&[module.clone(), vec![first.clone()]].concat()) => {
                module.iter().cloned().chain(segments.iter().cloned()).collect()
            }
            _ => continue,
        };
        if let Some(target) = resolve(path).filter(|t| t != module) {
            found.insert(target);
        }
    }
    found
}

/// Edges that make circles matter: between top-level modules, and between
/// sibling files of one module.
fn graph() -> BTreeMap<Module, BTreeSet<Module>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = BTreeMap::new();
    modules(&src, &[], &mut all);
    let mut graph: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (module, path) in &all {
        let is_mod_file = matches!(path.file_stem().and_then(|s| s.to_str()), Some("mod" | "lib" | "main"));
        for target in uses(module, is_mod_file, &code(path), &all) {
            let (a, b) = (module.first().cloned(), target.first().cloned());
            if a != b {
                if let (Some(a), Some(b)) = (a, b) {
                    graph.entry(vec![a]).or_default().insert(vec![b]);
                }
            } else if module.len() == target.len() && module[..module.len() - 1] == target[..target.len() - 1] {
                graph.entry(module.clone()).or_default().insert(target);
            }
        }
    }
    graph
}

/// A path from `to` back to `from`, if there is one.
fn path_back(graph: &BTreeMap<Module, BTreeSet<Module>>, from: &Module, to: &Module) -> Option<Vec<Module>> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![vec![to.clone()]];
    while let Some(trail) = stack.pop() {
        let last = trail.last().unwrap().clone();
        if &last == from {
            return Some(trail);
        }
        if seen.insert(last.clone()) {
            for next in graph.get(&last).into_iter().flatten() {
                stack.push([trail.clone(), vec![next.clone()]].concat());
            }
        }
    }
    None
}

#[test]
fn no_import_circle_in_src() {
    let graph = graph();
    assert!(graph.len() > 10, "the graph should see the modules: {graph:?}");
    let mut circles = Vec::new();
    for (from, targets) in &graph {
        for to in targets {
            if let Some(back) = path_back(&graph, from, to) {
                let names: Vec<String> = std::iter::once(from).chain(&back).map(|m| m.join("/")).collect();
                circles.push(names.join(" -> "));
            }
        }
    }
    assert!(circles.is_empty(), "import circles:\n{}", circles.join("\n"));
}

/// The checker sees a circle when there is one (so that its silence means something).
#[test]
fn the_circle_check_sees_circles() {
    let mut all = BTreeMap::new();
    for m in [vec!["a"], vec!["b"], vec!["p"], vec!["p", "x"], vec!["p", "y"]] {
        all.insert(m.iter().map(|s| s.to_string()).collect::<Module>(), PathBuf::new());
    }
    let m = |s: &str| s.split('/').map(str::to_string).collect::<Module>();
    assert_eq!(uses(&m("a"), false, "use crate::b::Thing;", &all), BTreeSet::from([m("b")]));
    assert_eq!(uses(&m("p/x"), false, "use super::y::{f, g};", &all), BTreeSet::from([m("p/y")]));
    assert_eq!(uses(&m("p"), true, "pub use x::Z;", &all), BTreeSet::from([m("p/x")]));
    let graph = BTreeMap::from([(m("a"), BTreeSet::from([m("b")])), (m("b"), BTreeSet::from([m("a")]))]);
    assert!(path_back(&graph, &m("a"), &m("b")).is_some());
}
