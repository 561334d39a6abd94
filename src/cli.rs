//! The `passport` command line: one binary for the server, migrations, the dev stack, the QQ
//! simulator, admin tasks and the OpenAPI spec.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use crate::config::{Profile, Settings};
use crate::startup::{Application, shutdown_signal};
use crate::telemetry::{self, LogFormat};

#[derive(Debug, Parser)]
#[command(name = "passport", version, about = "Renran (荏苒) identity backend")]
pub struct Cli {
    /// TOML configuration file (also `PASSPORT_CONFIG`); `PASSPORT_*` variables override it.
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,

    /// Log line format.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text, env = "PASSPORT_LOG_FORMAT")]
    pub log_format: LogFormat,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP service (production profile unless PASSPORT_PROFILE=dev).
    Serve {
        /// Apply pending migrations before serving.
        #[arg(long)]
        migrate: bool,
    },
    /// Apply, roll back or list database migrations.
    Migrate {
        #[command(subcommand)]
        action: Option<MigrateAction>,
    },
    /// Run everything locally: migrations, the service, the embedded QQ, WeChat, Weibo and
    /// Tencent Cloud simulators and the outbox.
    Dev,
    /// Run the QQ Connect simulator alone.
    QqSim(crate::qq::sim::SimArgs),
    /// Run the WeChat website-login simulator alone.
    WechatSim(oauth_sim::wechat::WechatSimArgs),
    /// Run the Weibo OAuth2 simulator alone.
    WeiboSim(oauth_sim::weibo::WeiboSimArgs),
    /// Run the Tencent Cloud simulator (SMS) alone.
    TencentSim(crate::tencent::sim::TencentSimArgs),
    /// Administrative tasks.
    Admin {
        #[command(subcommand)]
        action: AdminAction,
    },
    /// Print the OpenAPI spec (JSON) of the HTTP API.
    Openapi,
    /// Token-key tasks.
    Keys {
        #[command(subcommand)]
        action: KeysAction,
    },
    /// QQ Connect tasks.
    Qq {
        #[command(subcommand)]
        action: QqAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum QqAction {
    /// Store the unionid of every QQ binding that has none, asking QQ with its stored access
    /// token (once the app has QQ's unionid permission). Rate-limited, resumable (run it again,
    /// or pass the last id it printed), safe while instances serve.
    BackfillUnionid {
        /// QQ calls per second at most.
        #[arg(long, default_value_t = crate::accounts::unionid_backfill::DEFAULT_RATE)]
        rate: u32,
        /// Start after this binding id.
        #[arg(long, default_value_t = 0)]
        after_id: i64,
        /// Stop after this many bindings.
        #[arg(long)]
        limit: Option<u64>,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeysAction {
    /// Re-encrypt every stored QQ token under PASSPORT_TOKEN_KEY (old keys from
    /// PASSPORT_TOKEN_KEYS_OLD). Resumable; safe while instances serve.
    Rotate {
        /// Rows per transaction.
        #[arg(long, default_value_t = crate::accounts::key_rotation::DEFAULT_BATCH)]
        batch_size: u64,
    },
}

#[derive(Debug, Subcommand)]
pub enum MigrateAction {
    /// Apply every pending migration (the default).
    Up,
    /// Roll back the newest migrations.
    Down {
        /// How many to roll back.
        #[arg(long, default_value_t = 1)]
        steps: u32,
        /// Roll back all of them (drops every table).
        #[arg(long, conflicts_with = "steps")]
        all: bool,
    },
    /// List applied and pending migrations.
    Status,
}

#[derive(Debug, Subcommand)]
pub enum AdminAction {
    /// Create a staff account. The password comes from PASSPORT_ADMIN_PASSWORD, or is asked for
    /// twice at the terminal (not echoed), or is the first line of a piped stdin.
    Create {
        /// Login name of the staff account: 4–32 letters, digits, `_` or `-`, not all digits.
        #[arg(long)]
        username: String,
        /// The staff member's email (stored as verified: reset links go there).
        #[arg(long)]
        email: String,
        /// Allow an existing account with this username and email: make it staff and set the
        /// new password (ending its sessions). Without it, an existing username is refused.
        #[arg(long)]
        reset_password: bool,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init(cli.log_format);
    crate::api::panic::install_hook();
    crate::install_crypto_provider();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("passport: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            // Once, plain, on stderr; `{:#}` prints the whole cause chain on one line.
            eprintln!("passport: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let config = cli.config.as_deref();
    match cli.command {
        Command::Openapi => {
            println!("{}", crate::api::openapi_json());
        }
        Command::Serve { migrate } => {
            let settings = Settings::load(config, None)?;
            let app = Application::build(settings, migrate).await?;
            tracing::info!(addr = %app.local_addr(), profile = ?app.state().settings.profile, "passport is serving");
            app.run_until(shutdown_signal()).await?;
        }
        Command::Dev => {
            let settings = Settings::load(config, Some(Profile::Dev))?;
            let sim_config = crate::qq::sim::SimConfig::for_app(
                &settings.qq.app_id,
                settings.qq.app_key.expose(),
                settings.qq.redirect_uri.as_str(),
            );
            let listen = &settings.sim_listen;
            let sim = crate::qq::sim::Simulator::new(sim_config)
                .start(listen)
                .await
                .with_context(|| format!("cannot start the QQ simulator on {listen}"))?;
            let tencent_config = crate::tencent::sim::TencentSimConfig::for_settings(&settings);
            let tencent_listen = &settings.tencent_sim_listen;
            let tencent = crate::tencent::sim::TencentSim::standard(&tencent_config)
                .start(tencent_listen)
                .await
                .with_context(|| {
                    format!("cannot start the Tencent Cloud simulator on {tencent_listen}")
                })?;
            // WeChat and Weibo: `dev` points both at their simulators (settings.wechat, .weibo).
            let wechat_listen = settings.wechat_sim_listen.clone();
            let wechat = oauth_sim::wechat::Simulator::dev()
                .start(&wechat_listen)
                .await
                .with_context(|| format!("cannot start the WeChat simulator on {wechat_listen}"))?;
            let weibo_listen = settings.weibo_sim_listen.clone();
            let weibo = oauth_sim::weibo::Simulator::dev()
                .start(&weibo_listen)
                .await
                .with_context(|| format!("cannot start the Weibo simulator on {weibo_listen}"))?;
            let app = Application::build(settings, true).await?;
            print_dev_urls(&app, &sim.url(), &tencent.url());
            println!(
                "  WeChat login simulator {0}   (control: {0}/_sim)
  Weibo login simulator  {1}   (control: {1}/_sim)",
                wechat.url(),
                weibo.url()
            );
            app.run_until(shutdown_signal()).await?;
            weibo.shutdown().await?;
            wechat.shutdown().await?;
            tencent.shutdown().await?;
            sim.shutdown().await?;
        }
        Command::Migrate { action } => {
            let settings = Settings::load(config, Some(migrate_profile()))?;
            let db = crate::db::connect(&settings.database_url)
                .await
                .context("cannot open the database")?;
            match action.unwrap_or(MigrateAction::Up) {
                MigrateAction::Up => {
                    crate::db::migrate_up(&db).await?;
                    println!(
                        "migrations applied: {}",
                        crate::db::applied_migrations(&db).await?.len()
                    );
                }
                MigrateAction::Down { steps, all } => {
                    crate::db::migrate_down(&db, if all { None } else { Some(steps) }).await?;
                    println!(
                        "migrations applied: {}",
                        crate::db::applied_migrations(&db).await?.len()
                    );
                }
                MigrateAction::Status => {
                    for name in crate::db::applied_migrations(&db).await? {
                        println!("applied  {name}");
                    }
                    for name in crate::db::pending_migrations(&db).await? {
                        println!("pending  {name}");
                    }
                }
            }
        }
        Command::QqSim(args) => crate::qq::sim::run_standalone(args, shutdown_signal()).await?,
        Command::WechatSim(args) => {
            oauth_sim::wechat::run_standalone(args, shutdown_signal()).await?
        }
        Command::WeiboSim(args) => {
            oauth_sim::weibo::run_standalone(args, shutdown_signal()).await?
        }
        Command::TencentSim(args) => {
            crate::tencent::sim::run_standalone(args, shutdown_signal()).await?
        }
        Command::Admin {
            action:
                AdminAction::Create {
                    username,
                    email,
                    reset_password,
                },
        } => {
            let username = crate::domain::Username::parse(&username)
                .map_err(|e| anyhow::anyhow!("--username: {e}"))?;
            let email =
                crate::domain::Email::parse(&email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
            let password = read_admin_password()?;
            let settings = Settings::load(config, Some(migrate_profile()))?;
            let db = crate::db::connect(&settings.database_url)
                .await
                .context("cannot open the database")?;
            crate::db::migrate_up(&db)
                .await
                .context("migrations failed")?;
            let admin = crate::accounts::staff::create_admin(
                &db,
                &username,
                &email,
                &password,
                reset_password,
            )
            .await
            .map_err(|e| match e {
                crate::accounts::AccountError::UsernameTaken => anyhow::anyhow!(
                    "the username `{}` already exists; pass --reset-password to make it staff \
                     and set its password",
                    username.as_ref()
                ),
                e => anyhow::anyhow!("cannot create the admin: {e}"),
            })?;
            println!(
                "admin `{}` (id {}) can now sign in at /admin",
                admin.username, admin.id
            );
        }
        Command::Keys {
            action: KeysAction::Rotate { batch_size },
        } => {
            // The service's own settings: the same keys and database as `passport serve`.
            let settings = Settings::load(config, None)?;
            let db = crate::db::connect(&settings.database_url)
                .await
                .context("cannot open the database")?;
            return rotate_token_keys(&db, &settings, batch_size).await;
        }
        Command::Qq {
            action:
                QqAction::BackfillUnionid {
                    rate,
                    after_id,
                    limit,
                },
        } => {
            let settings = Settings::load(config, None)?;
            let db = crate::db::connect(&settings.database_url)
                .await
                .context("cannot open the database")?;
            let options = crate::accounts::unionid_backfill::BackfillOptions {
                rate,
                after_id,
                limit,
            };
            return backfill_unionids(&db, &settings, &options).await;
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn backfill_unionids(
    db: &sea_orm::DatabaseConnection,
    settings: &Settings,
    options: &crate::accounts::unionid_backfill::BackfillOptions,
) -> anyhow::Result<ExitCode> {
    use crate::accounts::unionid_backfill::{self, BackfillReport};
    let cipher =
        crate::crypto::TokenCipher::with_old_keys(&settings.token_key, &settings.token_keys_old);
    let qq =
        crate::qq::client::QqClient::new(&settings.qq).context("cannot build the QQ client")?;
    let line = |r: &BackfillReport| {
        format!(
            "{} looked at (up to binding id {}): {} unionids stored, {} expired tokens and {} \
             refused by QQ skipped (filled at their next QQ login), {} held by another binding, \
             {} answered for another openid, {} failed (run again)",
            r.scanned,
            r.last_id,
            r.filled,
            r.expired,
            r.refused,
            r.conflicts,
            r.mismatched,
            r.failed
        )
    };
    let report = unionid_backfill::backfill_unionids(
        db,
        &qq,
        &cipher,
        options,
        crate::jobs::now,
        |so_far| eprintln!("  … {}", line(so_far)),
    )
    .await
    .context("the back-fill stopped (run it again to continue)")?;
    println!("{}", line(&report));
    Ok(if report.failed > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

async fn rotate_token_keys(
    db: &sea_orm::DatabaseConnection,
    settings: &Settings,
    batch_size: u64,
) -> anyhow::Result<ExitCode> {
    use crate::accounts::key_rotation::{self, RotationCount, TokenTable};
    let cipher =
        crate::crypto::TokenCipher::with_old_keys(&settings.token_key, &settings.token_keys_old);
    println!(
        "current token key: {} ({} old key(s) accepted for reading)",
        cipher.current_key_id(),
        settings.token_keys_old.len()
    );
    let line = |table: TokenTable, c: &RotationCount| {
        format!(
            "{}: {} re-encrypted, {} changed meanwhile (kept), {} undecryptable",
            table.as_str(),
            c.rotated,
            c.changed_meanwhile,
            c.undecryptable
        )
    };
    let report = key_rotation::rotate(db, &cipher, batch_size, |table, count| {
        eprintln!("  … {}", line(table, count));
    })
    .await
    .context("the rotation stopped (run it again to continue)")?;
    println!("{}", line(TokenTable::QqBindings, &report.bindings));
    println!("{}", line(TokenTable::PendingQqIdentities, &report.pending));
    let (bindings_left, pending_left) = key_rotation::remaining(db, &cipher).await?;
    let left = bindings_left + pending_left;
    let undecryptable = report.bindings.undecryptable + report.pending.undecryptable;
    if left > undecryptable {
        println!(
            "{left} row(s) are still under an old key (written meanwhile by an instance that \
             seals with an old key?): run again once every instance has the new key"
        );
        return Ok(ExitCode::from(2));
    }
    if undecryptable > 0 {
        println!(
            "{undecryptable} row(s) open under no configured key and were left as they are: \
             add the key they were written with to PASSPORT_TOKEN_KEYS_OLD and run again, or \
             accept that those bindings need a fresh QQ login"
        );
        return Ok(ExitCode::from(2));
    }
    println!("every stored token is under the current key; old keys may be removed");
    Ok(ExitCode::SUCCESS)
}

/// Migrations need only the database URL, so they never demand production secrets; the profile
/// still decides the default URL.
fn migrate_profile() -> Profile {
    Profile::Dev
}

/// `PASSPORT_ADMIN_PASSWORD`; else, at a terminal, asked twice without echo; else the first line
/// of stdin (never a flag: flags end up in shell history and `ps`).
fn read_admin_password() -> anyhow::Result<crate::domain::Password> {
    use std::io::IsTerminal;
    let text = match std::env::var("PASSPORT_ADMIN_PASSWORD") {
        Ok(p) if !p.is_empty() => p,
        _ if std::io::stdin().is_terminal() => {
            let first = prompt_hidden("password: ")?;
            crate::domain::Password::parse(&first).map_err(|e| anyhow::anyhow!("password: {e}"))?;
            let again = prompt_hidden("password again: ")?;
            if first != again {
                anyhow::bail!("the two passwords differ; nothing was changed");
            }
            first
        }
        _ => {
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .context("cannot read the password from stdin")?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    crate::domain::Password::parse(&text).map_err(|e| anyhow::anyhow!("password: {e}"))
}

/// Read one line from the terminal with echo off (termios), restoring the terminal afterwards,
/// also when reading fails.
fn prompt_hidden(prompt: &str) -> anyhow::Result<String> {
    use std::io::Write;
    use std::os::fd::AsRawFd;
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
    let fd = std::io::stdin().as_raw_fd();
    // SAFETY: `termios` is plain data; tcgetattr fills it for a valid descriptor (checked).
    let mut saved: libc::termios = unsafe { std::mem::zeroed() };
    if unsafe { libc::tcgetattr(fd, &mut saved) } != 0 {
        anyhow::bail!("cannot read the terminal's settings");
    }
    let mut hidden = saved;
    hidden.c_lflag &= !libc::ECHO;
    hidden.c_lflag |= libc::ECHONL;
    // SAFETY: a valid descriptor and a termios derived from its own settings.
    if unsafe { libc::tcsetattr(fd, libc::TCSANOW, &hidden) } != 0 {
        anyhow::bail!("cannot turn off the terminal's echo");
    }
    let mut line = String::new();
    let read = std::io::stdin().read_line(&mut line);
    // SAFETY: as above; restores what tcgetattr returned.
    unsafe { libc::tcsetattr(fd, libc::TCSANOW, &saved) };
    read.context("cannot read the password")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn print_dev_urls(app: &Application, sim_url: &str, tencent_url: &str) {
    let base = format!("http://{}", app.local_addr());
    println!();
    println!(
        "  passport dev is running (profile: dev, database: {})",
        app.state().settings.database_url
    );
    println!("  sign in      {base}/login     admin panel {base}/admin");
    println!("  dev outbox   {base}/dev/outbox   (mails and SMS codes)");
    println!("  API          {base}/api");
    println!("  API docs     {base}/docs");
    println!("  OpenAPI      {base}/openapi.json");
    println!("  health       {base}/healthz   readiness {base}/readyz");
    println!("  QQ simulator {sim_url}   (control: {sim_url}/_sim)");
    let sms = match &app.state().settings.sms {
        crate::config::SmsProvider::Outbox => "SMS go straight to the outbox".to_owned(),
        crate::config::SmsProvider::Tencent(t) => format!("SMS via {}", t.endpoint),
    };
    println!("  Tencent Cloud simulator {tencent_url}   (control: {tencent_url}/_sim; {sms})");
    let captcha = &app.state().settings.captcha;
    match captcha.policy {
        crate::captcha::CaptchaPolicy::Off => {
            println!(
                "  captcha      off   (PASSPORT_CAPTCHA=risk or always to try the simulator's)"
            )
        }
        policy => println!(
            "  captcha      {}, app {}, script {}",
            policy.as_str(),
            captcha.app_id,
            captcha.script_url
        ),
    }
    println!();
}
