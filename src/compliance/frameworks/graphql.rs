//! GraphQL types and resolvers of the framework library.

use std::sync::Arc;

use chrono::Utc;
use entity::{clause, clause_mapping, framework};

use super::{
    file::FrameworkFile,
    store::{self, ClauseKey, Imported},
};
use crate::{
    compliance::relations::{ChildrenOfClause, ClausesOfFramework, MappingsFrom, MappingsTo},
    graphql::{cost::related_complexity, prelude::*},
    record::Record,
};

/// How the requirements of one clause relate to those of another framework's clause.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::clause_mapping::MappingRelationship")]
pub enum MappingRelationship {
    /// They ask for the same.
    Equal,
    /// The first asks for part of what the second asks for.
    Subset,
    /// The first asks for all the second asks for, and more.
    Superset,
    /// They overlap; each asks for something the other does not.
    Intersects,
    /// They concern the same subject without overlapping requirements.
    Related,
}

crate::node_object!(
    /// A standard in one version, with its clause tree: built in (ISO/IEC 20000-1:2018,
    /// ISO/IEC 27001:2022, ISO 9001:2015) or the organization's own.
    Framework(framework)
);

#[Object(use_type_description)]
impl Framework {
    /// Global id.
    pub async fn id(&self) -> ID {
        self.global_id()
    }
    /// Short code, the same in every version: `iso20000-1`.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Version: `2018`.
    async fn version(&self) -> &str {
        &self.0.version
    }
    /// Full name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Who publishes it.
    async fn publisher(&self) -> &str {
        &self.0.publisher
    }
    /// true for a built-in framework, which every organization reads; false for the
    /// organization's own.
    async fn built_in(&self) -> bool {
        self.0.organization_id.is_none()
    }
    /// When it was added to the library.
    async fn created_at(&self) -> DateTime<Utc> {
        DateTime(self.0.created_at)
    }
    /// The top-level clauses (4 to 10 for the built-in standards), in the standard's order;
    /// each lists its `children`.
    #[graphql(complexity = "related_complexity(child_complexity)")]
    async fn clauses(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Clause>> {
        let all =
            related_list::<GroupedBy<ClausesOfFramework>, _, _>(ctx, self.0.id, Clause).await?;
        Ok(all
            .into_iter()
            .filter(|c| c.0.parent_id.is_none())
            .collect())
    }
    /// Every clause, parents before their children in the standard's order (4, 4.1, 4.2, ...):
    /// the whole tree in one list, to build from `number` and `parent`.
    #[graphql(complexity = "related_complexity(child_complexity)")]
    async fn all_clauses(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Clause>> {
        let all =
            related_list::<GroupedBy<ClausesOfFramework>, _, _>(ctx, self.0.id, Clause).await?;
        Ok(store::depth_first(all, |c: &Clause| &c.0))
    }
    /// The clause with this number; null when the framework has none.
    async fn clause_by_number(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The clause's number in this framework: `8.5.1`.")] number: String,
    ) -> async_graphql::Result<Option<Clause>> {
        self.clause(ctx, ClauseKey::number(&number)?).await
    }
    /// The clause with this stable reference; null when the framework has none.
    async fn clause_by_reference(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The clause's stable reference: `iso20000-1:2018/8.5.1`.")]
        reference: String,
    ) -> async_graphql::Result<Option<Clause>> {
        self.clause(ctx, ClauseKey::reference(&reference)?).await
    }
}

impl Framework {
    async fn clause(
        &self,
        ctx: &Context<'_>,
        key: ClauseKey,
    ) -> async_graphql::Result<Option<Clause>> {
        let row = store::clause(&ctx.state().db, ctx.scope()?, self.0.id, key).await?;
        Ok(row.map(Clause::from))
    }
}

crate::node_object!(
    /// A clause of a framework: a node of its tree. Assessable clauses carry requirements and
    /// are what a gap analysis assesses; the others only group clauses.
    Clause(clause)
);

#[Object(use_type_description)]
impl Clause {
    /// Global id.
    pub async fn id(&self) -> ID {
        self.global_id()
    }
    /// Stable across versions of the framework: `iso20000-1:2018/8.5.1`.
    async fn reference(&self) -> &str {
        &self.0.reference
    }
    /// Number in this version: `8.5.1`.
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// Title (the standard's text is never held).
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// true: carries requirements and is assessed; false: only groups other clauses.
    async fn assessable(&self) -> bool {
        self.0.assessable
    }
    /// Order among the clauses of its parent, from 0.
    async fn position(&self) -> i32 {
        self.0.position
    }
    /// The framework it belongs to.
    async fn framework(&self, ctx: &Context<'_>) -> async_graphql::Result<Framework> {
        Ok(related::<Framework>(ctx, Some(self.0.framework_id))
            .await?
            .ok_or(AppError::NotFound(framework::Entity::TYPE))?)
    }
    /// The clause that groups it; null for a top-level clause.
    async fn parent(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Clause>> {
        Ok(related::<Clause>(ctx, self.0.parent_id).await?)
    }
    /// The clauses it groups, in the standard's order.
    #[graphql(complexity = "related_complexity(child_complexity)")]
    async fn children(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Clause>> {
        Ok(related_list::<GroupedBy<ChildrenOfClause>, _, _>(ctx, self.0.id, Clause).await?)
    }
    /// The clauses of other frameworks mapped to this one, whichever side the mapping was
    /// written from; `relationship` reads from this clause's side.
    #[graphql(complexity = "related_complexity(child_complexity)")]
    async fn mapped_clauses(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<MappedClause>> {
        let from =
            related_list::<GroupedBy<MappingsFrom>, _, _>(ctx, self.0.id, |m| MappedClause {
                other: m.to_clause_id,
                inverse: false,
                mapping: m,
            });
        let to = related_list::<GroupedBy<MappingsTo>, _, _>(ctx, self.0.id, |m| MappedClause {
            other: m.from_clause_id,
            inverse: true,
            mapping: m,
        });
        let (from, to) = futures_util::try_join!(from, to)?;
        Ok(from.into_iter().chain(to).collect())
    }
}

/// Clause `id`, which a row refers to (a mapping's side).
async fn clause_of(ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Clause> {
    Ok(related::<Clause>(ctx, Some(id))
        .await?
        .ok_or(AppError::NotFound(clause::Entity::TYPE))?)
}

/// A clause of another framework, as mapped to the clause that lists it.
pub struct MappedClause {
    mapping: Arc<clause_mapping::Model>,
    other: Uuid,
    /// Whether the mapping was written from the other clause's side.
    inverse: bool,
}

/// A clause of another framework, as mapped to the clause that lists it.
#[Object]
impl MappedClause {
    /// The other framework's clause.
    async fn clause(&self, ctx: &Context<'_>) -> async_graphql::Result<Clause> {
        clause_of(ctx, self.other).await
    }
    /// How the listing clause relates to it: SUPERSET means the listing clause asks for all it
    /// asks for, and more.
    async fn relationship(&self) -> MappingRelationship {
        let stored = self.mapping.relationship;
        if self.inverse {
            stored.inverse()
        } else {
            stored
        }
        .into()
    }
    /// Why the two are mapped.
    async fn rationale(&self) -> &str {
        &self.mapping.rationale
    }
    /// The mapping as written.
    async fn mapping(&self) -> ClauseMapping {
        ClauseMapping(self.mapping.clone())
    }
}

crate::node_object!(
    /// A mapping between clauses of two frameworks, as written: `fromClause` relates to
    /// `toClause` as `relationship` says.
    ClauseMapping(clause_mapping)
);

#[Object(use_type_description)]
impl ClauseMapping {
    /// Global id.
    pub async fn id(&self) -> ID {
        self.global_id()
    }
    /// How `fromClause` relates to `toClause`.
    async fn relationship(&self) -> MappingRelationship {
        self.0.relationship.into()
    }
    /// Why the two are mapped.
    async fn rationale(&self) -> &str {
        &self.0.rationale
    }
    /// The clause the mapping is written from.
    #[graphql(name = "fromClause")]
    async fn source_clause(&self, ctx: &Context<'_>) -> async_graphql::Result<Clause> {
        clause_of(ctx, self.0.from_clause_id).await
    }
    /// The clause it maps to.
    async fn to_clause(&self, ctx: &Context<'_>) -> async_graphql::Result<Clause> {
        clause_of(ctx, self.0.to_clause_id).await
    }
}

crate::record_queries! {
    /// Framework library queries.
    FrameworkQuery {
        @by_id
        /// One framework by id; null with a NOT_FOUND error when the organization reads none with it.
        framework -> Framework, "Global id of the framework, as its `id` field returns it; null with NOT_FOUND when the organization reads no framework with it, BAD_USER_INPUT when it is not an id.";
        /// The frameworks the organization plans against: the built-in standards and its own.
        frameworks(ctx, args) -> Page<Framework>, guard = "Require(Permission::Read)" {
            Ok(paginate(
                ctx.reads(),
                store::select(ctx.scope()?),
                framework::Column::Id,
                |f| f.id,
                args,
                Framework,
            )
            .await?)
        }
    }
}

/// The longest framework file accepted, in bytes: a few thousand clauses with their titles.
const DOCUMENT_MAX: usize = 2 * 1024 * 1024;

/// Input of `importFramework`.
#[derive(InputObject)]
pub struct ImportFrameworkInput {
    /// The framework file, YAML or JSON (at most 2 MiB): `code`, `version`, `name`,
    /// `publisher`, `clauses` (`number`, `title`, optional `parent`, `reference`,
    /// `assessable`) and optional `mappings` (`from`, `to`, `relationship`, `rationale`). The
    /// README describes the format.
    pub document: String,
}

impl ImportFrameworkInput {
    fn parse(self) -> AppResult<FrameworkFile> {
        if self.document.len() > DOCUMENT_MAX {
            return Err(AppError::bad_input(
                "input.document",
                format!(
                    "the framework file must be at most {DOCUMENT_MAX} bytes (got {})",
                    self.document.len()
                ),
            ));
        }
        FrameworkFile::parse(&self.document).map_err(store::rejected)
    }
}

/// Result of `importFramework`.
#[derive(SimpleObject)]
pub struct ImportFrameworkPayload {
    /// The framework, now in the organization's library.
    framework: Framework,
    /// How many clauses it has.
    clause_count: i32,
    /// How many mappings the file brought.
    mapping_count: i32,
}

impl From<Imported> for ImportFrameworkPayload {
    fn from(imported: Imported) -> Self {
        Self {
            framework: Framework::from(imported.framework),
            clause_count: i32::try_from(imported.clauses).unwrap_or(i32::MAX),
            mapping_count: i32::try_from(imported.mappings).unwrap_or(i32::MAX),
        }
    }
}

crate::record_mutations! {
    /// Framework library mutations.
    FrameworkMutation {
        /// Adds a framework, with its clauses and mappings, to the organization's library
        /// (ADMIN). The file is checked whole: a duplicate number or reference, an unknown
        /// parent, a cycle of parents, or a mapping to a framework or clause the library does
        /// not hold rejects it with BAD_USER_INPUT naming each line and path at fault, and
        /// nothing is written. A version the library already holds is CONFLICT; a new version of
        /// a framework stands beside the older ones.
        import_framework(ImportFrameworkInput, "The framework file.") -> ImportFrameworkPayload,
            guard = "Require(Permission::ManageFrameworks)", apply = store::import;
    }
}
