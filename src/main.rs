//! The `iso20000` command line: serve, migrate, print the schema, create organizations, mint
//! tokens. All the work is in the library.

use std::{io::Write, time::Duration};

use anyhow::Context;
use clap::{Parser, Subcommand};
use iso20000::{
    auth::jwt::JwtIssuer,
    config::{DatabaseConfig, JwtConfig, LogFormat, ServeConfig},
    db, demo,
    events::EventBus,
    organization::store as organization_store,
    startup::Application,
    telemetry,
};
use uuid::Uuid;

/// Many small allocations per request (JSON, GraphQL values) on several threads: glibc's
/// allocator spent a quarter of the dashboard's time in its arena locks; mimalloc does not.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// ISO/IEC 20000 readiness API: a headless GraphQL backend for running a service management
/// system to certification.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Log line format.
    #[arg(
        long,
        env = "ISO20000_LOG_FORMAT",
        value_enum,
        default_value = "pretty",
        global = true
    )]
    log_format: LogFormat,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the GraphQL server (embedded SQLite in ./data unless DATABASE_URL is set).
    Serve {
        #[command(flatten)]
        config: ServeConfig,
        /// Load the demo organization if the database has none, and print an admin token.
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate {
        #[command(flatten)]
        database: DatabaseConfig,
    },
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Manage organizations.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// Mint a login token (JWT) with the configured key, for local use and scripts.
    Token {
        /// Organization id.
        #[arg(long)]
        org: Uuid,
        /// Role the token carries.
        #[arg(long, value_enum)]
        role: RoleArg,
        /// Login subject (`sub`).
        #[arg(long)]
        sub: String,
        /// Lifetime, e.g. `30m`, `8h`, `7d`.
        #[arg(long, default_value = "1h", value_parser = humantime::parse_duration)]
        ttl: Duration,
        #[command(flatten)]
        database: DatabaseConfig,
        #[command(flatten)]
        jwt: JwtConfig,
    },
}

#[derive(Subcommand)]
enum OrgCommand {
    /// Create an organization; prints its id and an ADMIN token.
    Create {
        /// Name of the organization.
        #[arg(long)]
        name: String,
        /// Lifetime of the printed token.
        #[arg(long, default_value = "12h", value_parser = humantime::parse_duration)]
        ttl: Duration,
        #[command(flatten)]
        database: DatabaseConfig,
        #[command(flatten)]
        jwt: JwtConfig,
    },
}

/// Roles as command-line values.
#[derive(clap::ValueEnum, Clone, Copy)]
#[value(rename_all = "SCREAMING_SNAKE_CASE")]
enum RoleArg {
    Admin,
    Manager,
    ProcessOwner,
    Auditor,
    Viewer,
}

impl From<RoleArg> for entity::Role {
    fn from(role: RoleArg) -> Self {
        match role {
            RoleArg::Admin => Self::Admin,
            RoleArg::Manager => Self::Manager,
            RoleArg::ProcessOwner => Self::ProcessOwner,
            RoleArg::Auditor => Self::Auditor,
            RoleArg::Viewer => Self::Viewer,
        }
    }
}

/// Prints a line of the command's output (stdout is the output; logs go to stderr).
fn say(line: impl std::fmt::Display) {
    let _ = writeln!(std::io::stdout(), "{line}");
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    telemetry::init(cli.log_format);
    match cli.command {
        Command::Serve { config, demo } => serve(config, demo).await,
        Command::Migrate { database } => {
            let db = db::connect(&database).await?;
            db::migrate(&db).await?;
            say("migrations applied");
            Ok(())
        }
        Command::Schema => {
            say(iso20000::schema::sdl().trim_end());
            Ok(())
        }
        Command::Org {
            command:
                OrgCommand::Create {
                    name,
                    ttl,
                    database,
                    jwt,
                },
        } => {
            let issuer = JwtIssuer::from_config(&jwt, &database.data_dir)?;
            let db = db::connect(&database).await?;
            db::migrate(&db).await?;
            let organization = organization_store::create(&db, &EventBus::default(), &name, "cli")
                .await
                .map_err(iso20000::error::AppError::into_anyhow)?;
            let token = issuer.mint(organization.id, entity::Role::Admin, "org-admin", ttl)?;
            say(format_args!("organization id: {}", organization.id));
            say(format_args!(
                "admin token (subject org-admin, valid {}): {token}",
                humantime::format_duration(ttl)
            ));
            Ok(())
        }
        Command::Token {
            org,
            role,
            sub,
            ttl,
            database,
            jwt,
        } => {
            let issuer = JwtIssuer::from_config(&jwt, &database.data_dir)?;
            say(issuer.mint(org, role.into(), &sub, ttl)?);
            Ok(())
        }
    }
}

async fn serve(config: ServeConfig, load_demo: bool) -> anyhow::Result<()> {
    let jwt = config.jwt.clone();
    let data_dir = config.database.data_dir.clone();
    let graphiql = config.server.graphiql;
    let app = Application::build(config).await?;
    let address = app.local_addr()?;
    if load_demo {
        let (organization, created) = demo::ensure(app.state())
            .await
            .map_err(iso20000::error::AppError::into_anyhow)
            .context("loading the demo organization failed")?;
        let issuer = JwtIssuer::from_config(&jwt, &data_dir)?;
        let token = issuer.mint(
            organization.id,
            entity::Role::Admin,
            demo::ADMIN_SUBJECT,
            Duration::from_secs(12 * 3600),
        )?;
        say(format_args!(
            "{} organization \"{}\" ({})",
            if created {
                "loaded demo"
            } else {
                "using existing"
            },
            organization.name,
            organization.id
        ));
        say(format_args!("admin token (valid 12h): {token}"));
        if graphiql {
            say(format_args!(
                "GraphiQL: http://{address}/graphql  (add the header Authorization: Bearer <token>)"
            ));
        }
    }
    tracing::info!(%address, "listening");
    app.run_until_stopped().await
}
