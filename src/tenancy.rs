//! Row scoping by organization. Every read and write of tenant data starts from [`Scope`], so no
//! query can forget the organization, and a record of another organization is indistinguishable
//! from one that does not exist.

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DeleteMany, QueryFilter, Select, UpdateMany,
};
use uuid::Uuid;

use crate::{
    auth::Actor,
    error::{AppError, AppResult},
    record::{Record, Tenant},
};

/// The organization a request may see and change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scope {
    pub organization_id: Uuid,
}

impl From<&Actor> for Scope {
    fn from(actor: &Actor) -> Self {
        Self {
            organization_id: actor.organization_id,
        }
    }
}

impl Scope {
    /// All rows of `E` this organization reads: its own and, for a library table
    /// ([`Tenant::SHARED`]), the built-in rows too. Writes ([`update`](Self::update),
    /// [`delete`](Self::delete)) reach its own rows only.
    pub fn select<E: Tenant>(self) -> Select<E> {
        let own = E::organization_column().eq(self.organization_id);
        if E::SHARED {
            E::find().filter(
                Condition::any()
                    .add(own)
                    .add(E::organization_column().is_null()),
            )
        } else {
            E::find().filter(own)
        }
    }

    /// Rows of `E` with these ids, in this organization.
    pub fn select_ids<E: Record>(self, ids: impl IntoIterator<Item = Uuid>) -> Select<E> {
        self.select::<E>().filter(E::id_column().is_in(ids))
    }

    /// An update of rows of `E` in this organization only.
    pub fn update<E: Tenant>(self) -> UpdateMany<E> {
        E::update_many().filter(E::organization_column().eq(self.organization_id))
    }

    /// A delete of rows of `E` in this organization only.
    pub fn delete<E: Tenant>(self) -> DeleteMany<E> {
        E::delete_many().filter(E::organization_column().eq(self.organization_id))
    }

    /// One row of `E` by id, if it is in this organization.
    pub async fn get<E: Record>(
        self,
        db: &impl ConnectionTrait,
        id: Uuid,
    ) -> AppResult<Option<E::Model>> {
        Ok(self
            .select::<E>()
            .filter(E::id_column().eq(id))
            .one(db)
            .await?)
    }

    /// One row of `E` by id, or NOT_FOUND.
    pub async fn find<E: Record>(self, db: &impl ConnectionTrait, id: Uuid) -> AppResult<E::Model> {
        self.get::<E>(db, id)
            .await?
            .ok_or(AppError::NotFound(E::TYPE))
    }
}

#[cfg(test)]
mod tests {
    use entity::{framework, service};
    use sea_orm::{DbBackend, QueryTrait};

    use super::*;

    fn sql(statement: impl QueryTrait) -> String {
        statement.build(DbBackend::Sqlite).to_string()
    }

    #[test]
    fn a_library_table_reads_built_in_rows_but_writes_only_its_own() {
        let scope = Scope {
            organization_id: Uuid::nil(),
        };
        assert!(sql(scope.select::<framework::Entity>()).contains("\"organization_id\" IS NULL"));
        for write in [
            sql(scope.update::<framework::Entity>()),
            sql(scope.delete::<framework::Entity>()),
        ] {
            assert!(!write.contains("IS NULL"), "{write}");
            assert!(write.contains("\"organization_id\" = "), "{write}");
        }
        assert!(!sql(scope.select::<service::Entity>()).contains("IS NULL"));
    }
}
