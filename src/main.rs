//! The `iso20000` command line: serve, migrate, print the schema, create organizations, mint
//! tokens. All the work is in the library.

use std::{io::Write, time::Duration};

use anyhow::Context;
use clap::{Parser, Subcommand};
use iso20000::{
    auth::jwt::JwtIssuer,
    compliance::frameworks::{file::FrameworkFile, store as frameworks},
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
    /// Manage the organization's framework library.
    Framework {
        #[command(subcommand)]
        command: FrameworkCommand,
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
        signing: SigningConfig,
    },
}

/// What minting a token needs: the signing key, kept in the database's data folder unless
/// configured.
#[derive(clap::Args)]
struct SigningConfig {
    #[command(flatten)]
    database: DatabaseConfig,
    #[command(flatten)]
    jwt: JwtConfig,
}

impl SigningConfig {
    fn issuer(&self) -> anyhow::Result<JwtIssuer> {
        JwtIssuer::from_config(&self.jwt, &self.database.data_dir)
    }
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
        signing: SigningConfig,
    },
}

#[derive(Subcommand)]
enum FrameworkCommand {
    /// Import a framework (and its mappings) from a YAML or JSON file, as `importFramework`
    /// does: the file is checked whole, and a bad one is rejected with every line at fault.
    Import {
        /// The framework file (README: Framework library).
        file: std::path::PathBuf,
        /// Organization id (`iso20000 org create` prints it).
        #[arg(long)]
        org: Uuid,
        #[command(flatten)]
        database: DatabaseConfig,
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
            command: OrgCommand::Create { name, ttl, signing },
        } => {
            let issuer = signing.issuer()?;
            let db = db::connect(&signing.database).await?;
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
        Command::Framework {
            command:
                FrameworkCommand::Import {
                    file,
                    org,
                    database,
                },
        } => import_framework(&file, org, &database).await,
        Command::Token {
            org,
            role,
            sub,
            ttl,
            signing,
        } => {
            let issuer = signing.issuer()?;
            say(issuer.mint(org, role.into(), &sub, ttl)?);
            Ok(())
        }
    }
}

/// `iso20000 framework import`: reads, checks and writes, saying how far it got.
async fn import_framework(
    path: &std::path::Path,
    organization_id: Uuid,
    database: &DatabaseConfig,
) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "cannot read {}: give the path of a YAML or JSON file",
            path.display()
        )
    })?;
    say(format_args!(
        "checking {} ({} bytes)",
        path.display(),
        text.len()
    ));
    let file = match FrameworkFile::parse(&text) {
        Ok(file) => file,
        Err(problems) => {
            for problem in problems.list() {
                say(format_args!("  {problem}"));
            }
            anyhow::bail!(
                "{} rejected, nothing was written: correct the {} place(s) above and import it again",
                path.display(),
                problems.list().len()
            );
        }
    };
    say(format_args!(
        "{} {}: {} clauses, {} mappings; writing",
        file.code,
        file.version,
        file.clauses.len(),
        file.mappings.len()
    ));
    let db = db::connect(database).await?;
    db::migrate(&db).await?;
    let imported = frameworks::import_as_system(&db, &EventBus::default(), organization_id, file)
        .await
        .map_err(iso20000::error::AppError::into_anyhow)
        .context("the import failed and wrote nothing")?;
    say(format_args!(
        "imported {} {} ({}): {} clauses, {} mappings",
        imported.framework.code,
        imported.framework.version,
        imported.framework.id,
        imported.clauses,
        imported.mappings
    ));
    Ok(())
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
