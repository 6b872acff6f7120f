//! Who is calling: JWT validation and keys, the request's [`Actor`], and the guards that decide
//! what each role may do.

mod actor;
pub mod api_token;
mod authenticate;
mod guard;
mod jwks;
pub mod jwt;
mod role;
pub mod secret;

pub use actor::{Actor, ActorKind, AuthFailure, Authentication, Grant};
pub use authenticate::Authenticator;
pub use guard::{ApiScope, Permission, Require};
pub use role::RoleValue;
