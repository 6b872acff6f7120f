use sea_orm::entity::prelude::*;
use serde::Serialize;

/// What kind of system a tool is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ToolKind {
    #[sea_orm(string_value = "ITSM")]
    Itsm,
    #[sea_orm(string_value = "CMDB")]
    Cmdb,
    #[sea_orm(string_value = "MONITORING")]
    Monitoring,
    #[sea_orm(string_value = "CHANGE")]
    Change,
    #[sea_orm(string_value = "DOCUMENTATION")]
    Documentation,
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// An external system the SMS depends on.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "tool")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub name: String,
    pub kind: ToolKind,
    pub vendor: String,
    pub url: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
