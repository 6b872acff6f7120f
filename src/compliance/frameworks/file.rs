//! Framework files: the frameworks (and mappings) an organization adds to its library with
//! `importFramework` or `iso20000 framework import FILE`. A file is YAML, or JSON, which the YAML
//! reader reads as well:
//!
//! ```yaml
//! code: acme-sms            # letters, digits, '.', '-' and '_'; the same in every version
//! version: "2025"
//! name: ACME service management requirements
//! publisher: ACME
//! clauses:                  # in reading order; a clause's parent comes from its number
//!   - { number: "1", title: Scope, assessable: false }
//!   - { number: "1.1", title: Services in scope }
//!   - { number: "A1", title: Supplier controls, parent: "1" }
//!   - { number: "2", title: Leadership, reference: "acme-sms/2" }
//! mappings:                 # `code:version/number`, or a bare number of this file's clauses
//!   - { from: "1.1", to: "iso20000-1:2018/4.3", relationship: SUBSET, rationale: Scope }
//! ```
//!
//! A clause's `parent` defaults to its number up to the last dot (`1` for `1.1`), its
//! `reference` to `code:version/number`, and `assessable` to whether nothing has it as parent.
//! Give clauses of two versions the same references to keep them stable across versions.
//!
//! [`FrameworkFile::parse`] checks everything the file alone can tell, and reports every problem
//! with its line and path; the store checks what needs the library (which frameworks exist).

use std::collections::{HashMap, HashSet};

use entity::clause_mapping::MappingRelationship;
use sea_orm::ActiveEnum;
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::validation::{Optional, Required};

/// The most clauses and mappings one file may hold: a large standard has a few hundred clauses.
pub const CLAUSES_MAX: usize = 2_000;
pub const MAPPINGS_MAX: usize = 5_000;
/// The most problems one rejection lists; a file with more has a systematic fault.
const PROBLEMS_SHOWN: usize = 20;

/// A framework file, checked on its own: clauses in depth-first order (each parent before its
/// children), mappings with the clauses they join.
#[derive(Debug)]
pub struct FrameworkFile {
    pub code: String,
    pub version: String,
    pub name: String,
    pub publisher: String,
    pub clauses: Vec<ClauseDraft>,
    pub mappings: Vec<MappingDraft>,
}

/// A clause of the file.
#[derive(Debug)]
pub struct ClauseDraft {
    pub number: String,
    pub reference: String,
    pub title: String,
    /// Index of the parent in [`FrameworkFile::clauses`], which comes before it.
    pub parent: Option<usize>,
    /// Order among the clauses of the same parent, from 0, as the file lists them.
    pub position: i32,
    pub assessable: bool,
}

/// A mapping of the file.
#[derive(Debug)]
pub struct MappingDraft {
    pub from: ClauseName,
    pub to: ClauseName,
    pub relationship: MappingRelationship,
    pub rationale: String,
    /// Where it stands in the file, for the problems only the library can find.
    pub place: Place,
}

/// A clause a mapping names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ClauseName {
    /// Index of one of the file's clauses in [`FrameworkFile::clauses`].
    Own(usize),
    /// A clause of a framework in the library: `iso20000-1:2018/8.5.1`.
    Library {
        code: String,
        version: String,
        number: String,
    },
}

/// A place in the file: its path (`clauses[3].parent`) and line, when the reader knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub path: String,
    pub line: u64,
}

/// What is wrong at a place in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub place: Place,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.place.line {
            0 => write!(f, "{}: {}", self.place.path, self.message),
            line => write!(f, "line {line}, {}: {}", self.place.path, self.message),
        }
    }
}

/// The problems of a rejected file, in the file's order.
#[derive(Debug, Default)]
pub struct Problems(Vec<Problem>);

impl Problems {
    /// Notes a problem at `place`.
    pub fn add(&mut self, place: &Place, message: impl Into<String>) {
        self.0.push(Problem {
            place: place.clone(),
            message: message.into(),
        });
    }

    /// The problems, if there are any.
    pub fn into_result(self) -> Result<(), Self> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }

    /// The problems found.
    pub fn list(&self) -> &[Problem] {
        &self.0
    }
}

impl std::fmt::Display for Problems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown: Vec<String> = self
            .0
            .iter()
            .take(PROBLEMS_SHOWN)
            .map(Problem::to_string)
            .collect();
        write!(f, "{}", shown.join("; "))?;
        if self.0.len() > PROBLEMS_SHOWN {
            write!(f, "; and {} more", self.0.len() - PROBLEMS_SHOWN)?;
        }
        Ok(())
    }
}

/// The file as written; every value keeps its line.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    code: Spanned<String>,
    version: Spanned<String>,
    name: Spanned<String>,
    publisher: Spanned<String>,
    clauses: Vec<Spanned<RawClause>>,
    #[serde(default)]
    mappings: Vec<Spanned<RawMapping>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClause {
    number: Spanned<String>,
    title: Spanned<String>,
    parent: Option<Spanned<String>>,
    reference: Option<Spanned<String>>,
    assessable: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    from: Spanned<String>,
    to: Spanned<String>,
    relationship: Spanned<String>,
    #[serde(default)]
    rationale: Option<Spanned<String>>,
}

/// A file's longest values: the columns' sizes.
const CODE_MAX: usize = 64;
const VERSION_MAX: usize = 32;
const NUMBER_MAX: usize = 32;
const REFERENCE_MAX: usize = 200;
const TITLE_MAX: usize = 300;
const RATIONALE_MAX: usize = 1_000;

impl FrameworkFile {
    /// Reads and checks `text`, or lists every problem found.
    pub fn parse(text: &str) -> Result<Self, Problems> {
        let options = serde_saphyr::options! {
            budget: serde_saphyr::budget! {
                max_depth: 16,
                max_aliases: 0,
                max_anchors: 0,
                max_documents: 1,
            },
        };
        let raw: RawFile = serde_saphyr::from_str_with_options(text, options).map_err(|err| {
            let mut problems = Problems::default();
            let line = err.location().map_or(0, |l| l.line());
            problems.add(
                &Place {
                    path: "file".into(),
                    line,
                },
                err.without_snippet().to_string(),
            );
            problems
        })?;
        Checker::default().check(raw)
    }
}

/// Goes through a file once, noting every problem instead of stopping at the first.
#[derive(Default)]
struct Checker {
    problems: Problems,
    /// The file's own `code` and `version`, which its mappings may name too.
    own: (String, String),
}

impl Checker {
    fn check(mut self, raw: RawFile) -> Result<FrameworkFile, Problems> {
        let code = self.word(&raw.code, "code", CODE_MAX);
        let version = self.word(&raw.version, "version", VERSION_MAX);
        let name = self.required::<200>(&raw.name, "name".into());
        let publisher = self.required::<200>(&raw.publisher, "publisher".into());
        self.own = (code.clone(), version.clone());
        let top = Place {
            path: "clauses".into(),
            line: 0,
        };
        if raw.clauses.is_empty() {
            self.problems
                .add(&top, "a framework has at least one clause");
        }
        if raw.clauses.len() > CLAUSES_MAX {
            self.problems.add(
                &top,
                format!("at most {CLAUSES_MAX} clauses (got {})", raw.clauses.len()),
            );
        }
        if raw.mappings.len() > MAPPINGS_MAX {
            self.problems.add(
                &Place {
                    path: "mappings".into(),
                    line: 0,
                },
                format!(
                    "at most {MAPPINGS_MAX} mappings (got {})",
                    raw.mappings.len()
                ),
            );
        }
        let entries = self.clauses(&raw.clauses, &code, &version);
        let tree = self.tree(&raw.clauses, &entries);
        let order = tree.as_ref().map(|tree| tree.depth_first());
        let mappings = match &order {
            Some(order) => self.mappings(&raw.mappings, &entries, order),
            None => Vec::new(),
        };
        self.problems.into_result()?;
        // A tree is missing only where a problem was noted.
        let (Some(tree), Some(order)) = (tree, order) else {
            return Err(Problems::default());
        };
        Ok(FrameworkFile {
            code,
            version,
            name,
            publisher,
            clauses: tree.drafts(entries, &order),
            mappings,
        })
    }

    fn place<T>(value: &Spanned<T>, path: impl Into<String>) -> Place {
        Place {
            path: path.into(),
            line: value.referenced.line(),
        }
    }

    fn required<const MAX: usize>(&mut self, value: &Spanned<String>, path: String) -> String {
        match Required::<MAX>::parse(&path, &value.value) {
            Ok(parsed) => parsed.into(),
            Err(err) => {
                self.problems
                    .add(&Self::place(value, path.as_str()), err.message());
                String::new()
            }
        }
    }

    /// A code or version: it stands in references (`code:version/number`), so it holds no
    /// separator of theirs and no space.
    fn word(&mut self, value: &Spanned<String>, path: &str, max: usize) -> String {
        let word = value.value.trim();
        let valid = !word.is_empty()
            && word.chars().count() <= max
            && word
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
        if !valid {
            self.problems.add(
                &Self::place(value, path),
                format!(
                    "`{path}` must be 1 to {max} letters, digits, '.', '-' or '_' (got `{word}`)"
                ),
            );
        }
        word.to_owned()
    }

    /// Each clause's own values; duplicates of number and reference are problems.
    fn clauses(
        &mut self,
        raw: &[Spanned<RawClause>],
        code: &str,
        version: &str,
    ) -> Vec<ClauseEntry> {
        let mut numbers: HashMap<String, usize> = HashMap::new();
        let mut references: HashMap<String, usize> = HashMap::new();
        let mut entries = Vec::with_capacity(raw.len());
        for (index, clause) in raw.iter().enumerate() {
            let at = |field: &str| format!("clauses[{index}].{field}");
            let number = self.required::<NUMBER_MAX>(&clause.value.number, at("number"));
            if number.contains(char::is_whitespace) {
                self.problems.add(
                    &Self::place(&clause.value.number, at("number")),
                    "a clause number holds no spaces",
                );
            }
            let title = self.required::<TITLE_MAX>(&clause.value.title, at("title"));
            let reference = match &clause.value.reference {
                Some(reference) => self.required::<REFERENCE_MAX>(reference, at("reference")),
                None => format!("{code}:{version}/{number}"),
            };
            if let Some(first) = numbers
                .insert(number.clone(), index)
                .filter(|_| !number.is_empty())
            {
                self.problems.add(
                    &Self::place(&clause.value.number, at("number")),
                    format!("number `{number}` is already used by clauses[{first}]"),
                );
            }
            if let Some(first) = references.insert(reference.clone(), index) {
                let place = match &clause.value.reference {
                    Some(value) => Self::place(value, at("reference")),
                    None => Self::place(&clause.value.number, at("number")),
                };
                self.problems.add(
                    &place,
                    format!("reference `{reference}` is already used by clauses[{first}]"),
                );
            }
            entries.push(ClauseEntry {
                number,
                reference,
                title,
                assessable: clause.value.assessable,
            });
        }
        entries
    }

    /// Each clause's parent, known and without cycles.
    fn tree(&mut self, raw: &[Spanned<RawClause>], entries: &[ClauseEntry]) -> Option<Tree> {
        let index_of: HashMap<&str, usize> = entries
            .iter()
            .enumerate()
            .map(|(index, entry)| (entry.number.as_str(), index))
            .collect();
        let mut parents = Vec::with_capacity(entries.len());
        let mut known = true;
        for (index, (clause, entry)) in raw.iter().zip(entries).enumerate() {
            let (number, place) = match &clause.value.parent {
                Some(parent) => (
                    Some(parent.value.trim()).filter(|p| !p.is_empty()),
                    Self::place(parent, format!("clauses[{index}].parent")),
                ),
                None => (
                    entry.number.rsplit_once('.').map(|(parent, _)| parent),
                    Self::place(&clause.value.number, format!("clauses[{index}].number")),
                ),
            };
            let parent = match number {
                None => None,
                Some(number) => match index_of.get(number) {
                    Some(&parent) if parent == index => {
                        self.problems.add(&place, "a clause is not its own parent");
                        known = false;
                        None
                    }
                    Some(&parent) => Some(parent),
                    None => {
                        self.problems.add(
                            &place,
                            format!("unknown parent `{number}`: no clause of the file has it"),
                        );
                        known = false;
                        None
                    }
                },
            };
            parents.push(parent);
        }
        let tree = Tree { parents };
        for cycle in tree.cycles() {
            let first = cycle[0];
            let names: Vec<&str> = cycle
                .iter()
                .chain([&first])
                .map(|&i| entries[i].number.as_str())
                .collect();
            let place = match &raw[first].value.parent {
                Some(parent) => Self::place(parent, format!("clauses[{first}].parent")),
                None => Self::place(&raw[first].value.number, format!("clauses[{first}].number")),
            };
            self.problems.add(
                &place,
                format!("the parents form a cycle: {}", names.join(" -> ")),
            );
            known = false;
        }
        known.then_some(tree)
    }

    /// Each mapping, its clauses named and its relationship known.
    fn mappings(
        &mut self,
        raw: &[Spanned<RawMapping>],
        entries: &[ClauseEntry],
        order: &[usize],
    ) -> Vec<MappingDraft> {
        // Drafts name clauses by their index in depth-first order.
        let mut position = vec![0; order.len()];
        for (at, &index) in order.iter().enumerate() {
            position[index] = at;
        }
        let own: HashMap<&str, usize> = entries
            .iter()
            .enumerate()
            .map(|(index, entry)| (entry.number.as_str(), position[index]))
            .collect();
        let mut pairs = HashSet::new();
        let mut drafts = Vec::with_capacity(raw.len());
        for (index, mapping) in raw.iter().enumerate() {
            let at = |field: &str| format!("mappings[{index}].{field}");
            let from = self.clause_name(&mapping.value.from, at("from"), &own);
            let to = self.clause_name(&mapping.value.to, at("to"), &own);
            let relationship_value = &mapping.value.relationship;
            let relationship =
                MappingRelationship::try_from_value(&relationship_value.value.trim().to_owned());
            if relationship.is_err() {
                self.problems.add(
                    &Self::place(relationship_value, at("relationship")),
                    format!(
                        "unknown relationship `{}`: EQUAL, SUBSET, SUPERSET, INTERSECTS or RELATED",
                        relationship_value.value
                    ),
                );
            }
            let rationale = match &mapping.value.rationale {
                Some(rationale) => {
                    match Optional::<RATIONALE_MAX>::parse(&at("rationale"), &rationale.value) {
                        Ok(text) => text.into(),
                        Err(err) => {
                            self.problems
                                .add(&Self::place(rationale, at("rationale")), err.message());
                            String::new()
                        }
                    }
                }
                None => String::new(),
            };
            let place = Self::place(mapping, format!("mappings[{index}]"));
            let (Some(from), Some(to), Ok(relationship)) = (from, to, relationship) else {
                continue;
            };
            if matches!((&from, &to), (ClauseName::Own(_), ClauseName::Own(_))) {
                self.problems.add(
                    &place,
                    "a mapping joins clauses of two frameworks, not two of this file",
                );
                continue;
            }
            if !pairs.insert((from.clone(), to.clone())) {
                self.problems
                    .add(&place, "this mapping is already in the file");
                continue;
            }
            drafts.push(MappingDraft {
                from,
                to,
                relationship,
                rationale,
                place,
            });
        }
        drafts
    }

    /// `iso20000-1:2018/8.5.1`, or a bare number of the file's own clauses.
    fn clause_name(
        &mut self,
        value: &Spanned<String>,
        path: String,
        own: &HashMap<&str, usize>,
    ) -> Option<ClauseName> {
        let name = value.value.trim();
        let place = Self::place(value, path);
        let Some((framework, number)) = name.split_once('/') else {
            return match own.get(name) {
                Some(&index) => Some(ClauseName::Own(index)),
                None => {
                    self.problems.add(
                        &place,
                        format!(
                            "no clause `{name}` in this file; a clause of another framework is named `code:version/number`"
                        ),
                    );
                    None
                }
            };
        };
        match framework.rsplit_once(':') {
            Some((code, version))
                if (code, version) == (self.own.0.as_str(), self.own.1.as_str()) =>
            {
                let own_clause = own.get(number).map(|&index| ClauseName::Own(index));
                if own_clause.is_none() {
                    self.problems
                        .add(&place, format!("no clause `{number}` in this file"));
                }
                own_clause
            }
            Some((code, version))
                if !code.is_empty() && !version.is_empty() && !number.is_empty() =>
            {
                Some(ClauseName::Library {
                    code: code.to_owned(),
                    version: version.to_owned(),
                    number: number.to_owned(),
                })
            }
            _ => {
                self.problems
                    .add(&place, format!("`{name}` is not `code:version/number`"));
                None
            }
        }
    }
}

/// A clause's own values, before the tree is known.
struct ClauseEntry {
    number: String,
    reference: String,
    title: String,
    assessable: Option<bool>,
}

/// The parent of each clause, by index in the file.
struct Tree {
    parents: Vec<Option<usize>>,
}

impl Tree {
    /// Each cycle once, as the clauses on it from the one listed first in the file.
    fn cycles(&self) -> Vec<Vec<usize>> {
        // 0: not visited, 1: on the current path, 2: done.
        let mut state = vec![0u8; self.parents.len()];
        let mut cycles = Vec::new();
        for start in 0..self.parents.len() {
            let mut path = Vec::new();
            let mut at = Some(start);
            while let Some(index) = at {
                match state[index] {
                    0 => {
                        state[index] = 1;
                        path.push(index);
                        at = self.parents[index];
                    }
                    1 => {
                        let from = path.iter().position(|&i| i == index).unwrap_or(0);
                        let mut cycle = path[from..].to_vec();
                        let first = cycle.iter().enumerate().min_by_key(|(_, i)| **i);
                        if let Some((rotate, _)) = first {
                            cycle.rotate_left(rotate);
                        }
                        cycles.push(cycle);
                        break;
                    }
                    _ => break,
                }
            }
            for index in path {
                state[index] = 2;
            }
        }
        cycles
    }

    /// The clauses parents first, siblings in the file's order.
    fn depth_first(&self) -> Vec<usize> {
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); self.parents.len()];
        let mut roots = Vec::new();
        for (index, parent) in self.parents.iter().enumerate() {
            match parent {
                Some(parent) => children[*parent].push(index),
                None => roots.push(index),
            }
        }
        let mut order = Vec::with_capacity(self.parents.len());
        let mut stack: Vec<usize> = roots.into_iter().rev().collect();
        while let Some(index) = stack.pop() {
            order.push(index);
            stack.extend(children[index].iter().rev());
        }
        order
    }

    /// The drafts in `order`, with parents and positions as indexes into that order.
    fn drafts(&self, entries: Vec<ClauseEntry>, order: &[usize]) -> Vec<ClauseDraft> {
        let mut position_in_order = vec![0; order.len()];
        for (at, &index) in order.iter().enumerate() {
            position_in_order[index] = at;
        }
        let mut has_children = vec![false; order.len()];
        let mut sibling_count: HashMap<Option<usize>, i32> = HashMap::new();
        let mut positions = vec![0; order.len()];
        for (index, parent) in self.parents.iter().enumerate() {
            if let Some(parent) = parent {
                has_children[*parent] = true;
            }
            let count = sibling_count.entry(*parent).or_default();
            positions[index] = *count;
            *count += 1;
        }
        let mut entries: Vec<Option<ClauseEntry>> = entries.into_iter().map(Some).collect();
        order
            .iter()
            .filter_map(|&index| {
                let entry = entries[index].take()?;
                Some(ClauseDraft {
                    number: entry.number,
                    reference: entry.reference,
                    title: entry.title,
                    parent: self.parents[index].map(|parent| position_in_order[parent]),
                    position: positions[index],
                    assessable: entry.assessable.unwrap_or(!has_children[index]),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        match FrameworkFile::parse(text) {
            Ok(_) => Vec::new(),
            Err(problems) => problems.list().iter().map(Problem::to_string).collect(),
        }
    }

    const GOOD: &str = "\
code: acme
version: '1'
name: ACME requirements
publisher: ACME
clauses:
  - { number: '2', title: Second }
  - { number: '1', title: First }
  - { number: '1.1', title: First part }
  - { number: X, title: Extra, parent: '1' }
mappings:
  - { from: '1.1', to: 'iso20000-1:2018/4.3', relationship: SUBSET, rationale: Scope }
";

    #[test]
    fn a_good_file_reads_parents_first_with_defaults() {
        let file = FrameworkFile::parse(GOOD).expect("good");
        let numbers: Vec<&str> = file.clauses.iter().map(|c| c.number.as_str()).collect();
        assert_eq!(numbers, ["2", "1", "1.1", "X"]);
        assert_eq!(file.clauses[2].parent, Some(1));
        assert_eq!(file.clauses[3].parent, Some(1));
        assert_eq!((file.clauses[2].position, file.clauses[3].position), (0, 1));
        assert_eq!(file.clauses[1].position, 1, "1 is listed after 2");
        assert!(!file.clauses[1].assessable && file.clauses[2].assessable);
        assert_eq!(file.clauses[2].reference, "acme:1/1.1");
        assert_eq!(file.mappings[0].from, ClauseName::Own(2));
        assert_eq!(
            file.mappings[0].to,
            ClauseName::Library {
                code: "iso20000-1".into(),
                version: "2018".into(),
                number: "4.3".into()
            }
        );
    }

    #[test]
    fn json_reads_too() {
        let file = FrameworkFile::parse(
            r#"{"code": "j", "version": "1", "name": "J", "publisher": "P",
                "clauses": [{"number": "1", "title": "One"}]}"#,
        )
        .expect("json");
        assert_eq!(file.clauses.len(), 1);
    }

    #[test]
    fn duplicates_unknown_parents_and_cycles_are_each_named_with_their_line() {
        let found = problems(
            "\
code: acme
version: '1'
name: N
publisher: P
clauses:
  - { number: '1', title: One }
  - { number: '1', title: Again }
  - { number: '2.1', title: Orphan }
  - { number: A, title: A, parent: B }
  - { number: B, title: B, parent: A }
",
        );
        assert_eq!(
            found,
            [
                "line 7, clauses[1].number: number `1` is already used by clauses[0]",
                "line 7, clauses[1].number: reference `acme:1/1` is already used by clauses[0]",
                "line 8, clauses[2].number: unknown parent `2`: no clause of the file has it",
                "line 9, clauses[3].parent: the parents form a cycle: A -> B -> A",
            ]
        );
    }

    #[test]
    fn bad_values_and_mappings_are_named() {
        let found = problems(
            "\
code: 'a b'
version: '1'
name: ''
publisher: P
clauses:
  - { number: '1', title: One }
mappings:
  - { from: '1', to: '2', relationship: SAME }
  - { from: '1', to: 'iso9001', relationship: EQUAL }
",
        );
        assert_eq!(found.len(), 5, "{found:#?}");
        assert!(found[0].starts_with("line 1, code:"), "{}", found[0]);
        assert!(found[1].starts_with("line 3, name:"), "{}", found[1]);
        assert!(found[2].starts_with("line 8, mappings[0].to: no clause `2`"));
        assert!(found[3].starts_with("line 8, mappings[0].relationship: unknown"));
        assert!(found[4].starts_with("line 9, mappings[1].to: no clause `iso9001`"));
    }

    #[test]
    fn syntax_and_shape_errors_have_a_line() {
        let found = problems("code: a\nversion: '1'\nname: N\npublisher: P\nclauses: [\n");
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("line "), "{}", found[0]);
        let found = problems(
            "code: a\nversion: '1'\nname: N\npublisher: P\nclauses:\n  - { number: '1', titel: T }\n",
        );
        assert!(found[0].contains("titel"), "{}", found[0]);
    }

    #[test]
    fn aliases_are_refused_before_they_expand() {
        let found = problems(
            "code: &c a\nversion: *c\nname: N\npublisher: P\nclauses: [{ number: '1', title: T }]\n",
        );
        assert_eq!(found.len(), 1, "{found:?}");
    }
}
