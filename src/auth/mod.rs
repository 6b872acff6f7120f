//! Who is calling: JWT validation and keys, the request's [`Actor`], and the guards that decide
//! what each role may do.

mod actor;
mod authenticate;
mod guard;
pub mod jwt;
mod role;
pub mod secret;

pub use actor::{Actor, ActorKind, AuthFailure, Authentication};
pub use authenticate::Authenticator;
pub use guard::{Permission, Require};
pub use role::RoleValue;
