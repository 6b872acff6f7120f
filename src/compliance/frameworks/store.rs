//! Database access for the framework library.

use std::collections::{HashMap, HashSet};

use entity::{clause, clause_mapping, framework};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, QueryFilter, Select};
use serde::Serialize;
use uuid::Uuid;

use super::file::{ClauseName, FrameworkFile, MappingDraft, Place, Problems};
use crate::{
    auth::Actor,
    error::{AppError, AppResult},
    events::EventBus,
    organization::store as organization_store,
    store::{self, Change},
    tenancy::Scope,
    validation::Required,
};

/// The longest clause number (`8.3.4.2`) and reference the library holds (its columns' sizes).
const NUMBER_MAX: usize = 32;
const REFERENCE_MAX: usize = 200;

/// The frameworks the organization reads: the built-in ones and its own.
pub fn select(scope: Scope) -> Select<framework::Entity> {
    scope.select::<framework::Entity>()
}

/// How a clause is named within its framework.
pub enum ClauseKey {
    /// `8.5.1`.
    Number(String),
    /// `iso20000-1:2018/8.5.1`.
    Reference(String),
}

impl ClauseKey {
    /// A clause number, as argument `number`.
    pub fn number(number: &str) -> AppResult<Self> {
        Ok(Self::Number(
            Required::<NUMBER_MAX>::parse("number", number)?.into(),
        ))
    }

    /// A stable reference, as argument `reference`.
    pub fn reference(reference: &str) -> AppResult<Self> {
        Ok(Self::Reference(
            Required::<REFERENCE_MAX>::parse("reference", reference)?.into(),
        ))
    }
}

/// The clause of framework `framework_id` that `key` names, if it has one.
pub async fn clause(
    db: &DatabaseConnection,
    scope: Scope,
    framework_id: Uuid,
    key: ClauseKey,
) -> AppResult<Option<clause::Model>> {
    let select = scope
        .select::<clause::Entity>()
        .filter(clause::Column::FrameworkId.eq(framework_id));
    let select = match key {
        ClauseKey::Number(number) => select.filter(clause::Column::Number.eq(number)),
        ClauseKey::Reference(reference) => select.filter(clause::Column::Reference.eq(reference)),
    };
    Ok(select.one(db).await?)
}

/// `clauses` (each parent's children in their order, roots in theirs) as a tree read depth
/// first: the standard's reading order (4, 4.1, 4.2, ..., 5, 5.1, ...).
pub fn depth_first<T>(clauses: Vec<T>, row: impl Fn(&T) -> &clause::Model) -> Vec<T> {
    let mut children: HashMap<Option<Uuid>, Vec<T>> = HashMap::new();
    for clause in clauses {
        let parent = row(&clause).parent_id;
        children.entry(parent).or_default().push(clause);
    }
    let mut ordered = Vec::new();
    let mut stack: Vec<T> = children.remove(&None).unwrap_or_default();
    stack.reverse();
    while let Some(clause) = stack.pop() {
        if let Some(mut below) = children.remove(&Some(row(&clause).id)) {
            below.reverse();
            stack.extend(below);
        }
        ordered.push(clause);
    }
    ordered
}

/// A framework the organization imported, with what it brought.
pub struct Imported {
    pub framework: framework::Model,
    pub clauses: usize,
    pub mappings: usize,
}

/// What the audit trail shows of an import: the framework with its whole tree and mappings.
#[derive(Serialize)]
struct ImportSnapshot<'a> {
    framework: &'a framework::Model,
    clauses: &'a [clause::Model],
    mappings: &'a [clause_mapping::Model],
}

/// Adds a checked framework file to the organization's library: a version of a framework
/// already there is refused with CONFLICT; mappings to a framework or clause the library does
/// not hold are refused with BAD_USER_INPUT naming each, and nothing is written.
pub async fn import(change: &mut Change, file: FrameworkFile) -> AppResult<Imported> {
    let scope = Scope::from(change.actor());
    let taken = scope
        .select::<framework::Entity>()
        .filter(framework::Column::Code.eq(&file.code))
        .filter(framework::Column::Version.eq(&file.version))
        .one(change.db())
        .await?;
    if taken.is_some() {
        return Err(AppError::Conflict(format!(
            "the library already holds {} version {}: give the file another version",
            file.code, file.version
        )));
    }
    let targets = LibraryClauses::of(change, &file.mappings).await?;
    let organization_id = Some(change.actor().organization_id);
    let framework = framework::Model {
        id: Uuid::now_v7(),
        organization_id,
        code: file.code,
        version: file.version,
        name: file.name,
        publisher: file.publisher,
        created_at: store::now(),
    };
    let mut clauses: Vec<clause::Model> = Vec::with_capacity(file.clauses.len());
    for draft in file.clauses {
        let parent_id = draft.parent.map(|parent| clauses[parent].id);
        clauses.push(clause::Model {
            id: Uuid::now_v7(),
            organization_id,
            framework_id: framework.id,
            reference: draft.reference,
            number: draft.number,
            title: draft.title,
            parent_id,
            position: draft.position,
            assessable: draft.assessable,
        });
    }
    let clause_id = |name: &ClauseName| match name {
        ClauseName::Own(index) => Some(clauses[*index].id),
        library => targets.id(library),
    };
    let mut problems = Problems::default();
    let mut mappings = Vec::with_capacity(file.mappings.len());
    for draft in &file.mappings {
        for (side, name) in [("from", &draft.from), ("to", &draft.to)] {
            if clause_id(name).is_none() {
                problems.add(
                    &Place {
                        path: format!("{}.{side}", draft.place.path),
                        line: draft.place.line,
                    },
                    targets.why_unknown(name),
                );
            }
        }
        let (Some(from), Some(to)) = (clause_id(&draft.from), clause_id(&draft.to)) else {
            continue;
        };
        mappings.push(clause_mapping::Model {
            id: Uuid::now_v7(),
            organization_id,
            from_clause_id: from,
            to_clause_id: to,
            relationship: draft.relationship,
            rationale: draft.rationale.clone(),
        });
    }
    problems.into_result().map_err(rejected)?;
    store::insert_row::<framework::Entity>(change, framework.clone(), &[]).await?;
    store::insert_rows::<clause::Entity>(change, clauses.clone()).await?;
    store::insert_rows::<clause_mapping::Entity>(change, mappings.clone()).await?;
    let snapshot = ImportSnapshot {
        framework: &framework,
        clauses: &clauses,
        mappings: &mappings,
    };
    change
        .record_snapshot::<framework::Entity, _>(
            "framework.import",
            framework.id,
            None,
            Some(&snapshot),
        )
        .await?;
    Ok(Imported {
        framework,
        clauses: clauses.len(),
        mappings: mappings.len(),
    })
}

/// A rejected framework file as BAD_USER_INPUT on the input's `document`.
pub fn rejected(problems: Problems) -> AppError {
    AppError::bad_input(
        "input.document",
        format!("the framework file is rejected and nothing was written: {problems}"),
    )
}

/// The library's clauses that a file's mappings name outside the file, read in two statements.
struct LibraryClauses {
    /// (code, version) of each framework found.
    frameworks: HashMap<(String, String), Uuid>,
    /// (framework, number) of each clause found.
    clauses: HashMap<(Uuid, String), Uuid>,
}

impl LibraryClauses {
    async fn of(change: &Change, mappings: &[MappingDraft]) -> AppResult<Self> {
        let named: Vec<(&str, &str, &str)> = mappings
            .iter()
            .flat_map(|m| [&m.from, &m.to])
            .filter_map(|name| match name {
                ClauseName::Library {
                    code,
                    version,
                    number,
                } => Some((code.as_str(), version.as_str(), number.as_str())),
                ClauseName::Own(_) => None,
            })
            .collect();
        let scope = Scope::from(change.actor());
        let mut found = Self {
            frameworks: HashMap::new(),
            clauses: HashMap::new(),
        };
        if named.is_empty() {
            return Ok(found);
        }
        let pairs: HashSet<(&str, &str)> = named.iter().map(|(c, v, _)| (*c, *v)).collect();
        let condition = pairs.iter().fold(Condition::any(), |any, (code, version)| {
            any.add(
                Condition::all()
                    .add(framework::Column::Code.eq(*code))
                    .add(framework::Column::Version.eq(*version)),
            )
        });
        for row in scope
            .select::<framework::Entity>()
            .filter(condition)
            .all(change.db())
            .await?
        {
            found.frameworks.insert((row.code, row.version), row.id);
        }
        let numbers: HashSet<&str> = named.iter().map(|(_, _, n)| *n).collect();
        for row in scope
            .select::<clause::Entity>()
            .filter(clause::Column::FrameworkId.is_in(found.frameworks.values().copied()))
            .filter(clause::Column::Number.is_in(numbers))
            .all(change.db())
            .await?
        {
            found.clauses.insert((row.framework_id, row.number), row.id);
        }
        Ok(found)
    }

    fn framework(&self, code: &str, version: &str) -> Option<Uuid> {
        self.frameworks
            .get(&(code.to_owned(), version.to_owned()))
            .copied()
    }

    fn id(&self, name: &ClauseName) -> Option<Uuid> {
        let ClauseName::Library {
            code,
            version,
            number,
        } = name
        else {
            return None;
        };
        let framework = self.framework(code, version)?;
        self.clauses.get(&(framework, number.clone())).copied()
    }

    fn why_unknown(&self, name: &ClauseName) -> String {
        match name {
            ClauseName::Library {
                code,
                version,
                number,
            } => match self.framework(code, version) {
                None => {
                    format!("unknown framework `{code}:{version}`: the library does not hold it")
                }
                Some(_) => format!("framework `{code}:{version}` has no clause `{number}`"),
            },
            ClauseName::Own(_) => "a clause of the file".to_owned(),
        }
    }
}

/// Imports `file` on the command line's behalf, in one change of its own: NOT_FOUND when
/// there is no organization `organization_id`.
pub async fn import_as_system(
    db: &DatabaseConnection,
    bus: &EventBus,
    organization_id: Uuid,
    file: FrameworkFile,
) -> AppResult<Imported> {
    let actor = Actor::system(organization_id, "cli");
    organization_store::get(db, Scope::from(&actor)).await?;
    let mut change = Change::begin(db, &actor).await?;
    let imported = import(&mut change, file).await?;
    change.commit(bus).await?;
    Ok(imported)
}
