use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// What a person may do in the SMS; carried by a login token, recorded on the person.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    #[sea_orm(string_value = "ADMIN")]
    Admin,
    #[sea_orm(string_value = "MANAGER")]
    Manager,
    #[sea_orm(string_value = "PROCESS_OWNER")]
    ProcessOwner,
    #[sea_orm(string_value = "AUDITOR")]
    Auditor,
    #[sea_orm(string_value = "VIEWER")]
    Viewer,
}
