//! What an area's GraphQL module takes from the kit, in one line: `use crate::graphql::prelude::*;`.
//! The module then imports only its own area's store and the types of other areas it links to.

pub use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, SimpleObject};
pub use uuid::Uuid;

pub use super::{
    ContextExt,
    connection::{Page, paginate},
    ids::{decode, decode_links, decode_list, decode_opt, encode},
    loaders::{GroupedBy, Linked},
    node::{related, related_list, related_many},
    patch,
    scalars::{Date, DateTime},
    stamps::Stamps,
};
pub use crate::{
    auth::{Permission, Require},
    error::{AppError, AppResult},
    store::Edit,
    validation::{Line, Name, Text, parse_opt},
};
