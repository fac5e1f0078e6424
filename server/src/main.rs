//! `callcard`: run the server, or manage its database and accounts.

use std::path::PathBuf;

use anyhow::Context;
use migrations::{Migrator, MigratorTrait};
use server::config::Settings;
use server::ledger::money::Money;
use server::startup::{self, AppState};
use server::{auth, calls, db, logs, seed};
use tracing_subscriber::EnvFilter;

const USAGE: &str = "\
usage: callcard [--config FILE] [COMMAND]

commands:
  serve                  run the server (the default)
  migrate [up|down|status]
                         apply all migrations (up), roll back the last one (down),
                         or list them (status)
  make-operator EMAIL    give an existing account the operator role
  credit EMAIL AMOUNT [NOTE]
                         credit an account's Guild (AMOUNT in the currency, e.g. 5000)
  credit-limit EMAIL AMOUNT
                         let an account go AMOUNT below zero (postpaid); 0 = prepaid
  vouchers AMOUNT COUNT [VALID_DAYS]
                         issue COUNT voucher codes worth AMOUNT each, printed one a line
  accounts               list accounts with role and Guild balance
  check                  check the money: every Guild's balance is the sum of its entries
                         and its held money the sum of its running calls' holds (exit 1 if not)
  rates [import FILE]    list the rate table, or replace it with a CSV file

Settings come from FILE (TOML) and CALLCARD_* / DATABASE_URL environment variables;
see README.md.";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_new(logs::filter_directives(
                std::env::var("RUST_LOG").ok().as_deref(),
            ))
            .unwrap_or_else(|_| EnvFilter::new(logs::filter_directives(None))),
        )
        .init();

    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let config_file = take_option(&mut args, "--config")?
        .or_else(|| std::env::var("CALLCARD_CONFIG").ok())
        .map(PathBuf::from);
    let settings = Settings::load(config_file.as_deref())?;

    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] | ["serve"] => serve(settings).await,
        ["migrate"] | ["migrate", "up"] => {
            let db = db::connect(&settings).await?;
            Migrator::up(&db, None).await?;
            println!("database is up to date");
            Ok(())
        }
        ["migrate", "down"] => {
            let db = db::connect(&settings).await?;
            Migrator::down(&db, Some(1)).await?;
            println!("rolled back the last migration");
            Ok(())
        }
        ["migrate", "status"] => {
            let db = db::connect(&settings).await?;
            for migration in Migrator::get_migration_with_status(&db).await? {
                println!(
                    "{:<8} {}",
                    format!("{:?}", migration.status()),
                    migration.name()
                );
            }
            Ok(())
        }
        ["make-operator", email] => {
            let db = db::connect_and_migrate(&settings).await?;
            let account = auth::service::make_operator(&db, email).await?;
            println!("{} is now an operator", account.email);
            Ok(())
        }
        ["credit", email, amount, note @ ..] => {
            let db = db::connect_and_migrate(&settings).await?;
            let amount = settings.currency.parse(amount)?;
            let note = note.join(" ");
            let entry = server::ledger::service::credit_by_email(&db, email, amount, &note).await?;
            println!(
                "credited {} to {}; balance now {}",
                settings.currency.format(Money(entry.amount)),
                email.trim().to_lowercase(),
                settings.currency.format(Money(entry.balance_after))
            );
            Ok(())
        }
        ["credit-limit", email, amount] => {
            let db = db::connect_and_migrate(&settings).await?;
            let limit = settings.currency.parse(amount)?;
            server::ledger::service::set_credit_limit_by_email(&db, email, limit).await?;
            println!(
                "credit limit of {} is now {}",
                email.trim().to_lowercase(),
                settings.currency.format(limit)
            );
            Ok(())
        }
        ["vouchers", amount, count, rest @ ..] if rest.len() <= 1 => {
            let db = db::connect_and_migrate(&settings).await?;
            let amount = settings.currency.parse(amount)?;
            let count: u32 = count.parse().context("COUNT must be a whole number")?;
            let valid_days = rest
                .first()
                .map(|days| days.parse::<u32>())
                .transpose()
                .context("VALID_DAYS must be a whole number")?;
            for code in
                server::ledger::vouchers::create(&db, amount, count, valid_days, None).await?
            {
                println!("{code}");
            }
            Ok(())
        }
        ["check"] => {
            let db = db::connect(&settings).await?;
            let drifts = server::check::money(&db).await?;
            if drifts.is_empty() {
                println!(
                    "money is exact: every Guild's balance is the sum of its entries and its \
                     held money the sum of its running calls' holds"
                );
                return Ok(());
            }
            for drift in &drifts {
                println!("{drift}");
            }
            std::process::exit(1);
        }
        ["accounts"] => {
            let db = db::connect_and_migrate(&settings).await?;
            for (account, guild) in server::ledger::service::accounts_with_guilds(&db).await? {
                println!(
                    "{:<6} {:<9} {:>18}  {}",
                    account.id,
                    account.role,
                    settings.currency.format(guild.balance),
                    account.email
                );
            }
            Ok(())
        }
        ["rates", "import", file] => {
            let db = db::connect_and_migrate(&settings).await?;
            let text =
                std::fs::read_to_string(file).with_context(|| format!("cannot read {file}"))?;
            let rates = server::calls::rates::parse_csv(&text, &settings.currency)
                .with_context(|| format!("{file} was not imported"))?;
            server::calls::rate_store::replace(&db, &rates).await?;
            println!("imported {} rates", rates.len());
            Ok(())
        }
        ["rates"] => {
            let db = db::connect_and_migrate(&settings).await?;
            println!("{}", server::calls::rates::CSV_HEADER);
            for rate in server::calls::rate_store::load(&db).await?.rates() {
                println!(
                    "{},{},{},{},{},{}",
                    rate.class.code(),
                    rate.prefix,
                    rate.per_minute,
                    rate.initial_increment_secs,
                    rate.subsequent_increment_secs,
                    rate.connect_fee
                );
            }
            Ok(())
        }
        ["help"] | ["--help"] | ["-h"] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let db = db::connect_and_migrate(&settings).await?;
    // Before taking calls: every call still marked as this node's was cut by its last stop.
    let orphans = calls::reservation::settle_orphans(&db, &settings.node)
        .await
        .context("cannot settle the calls this node ran before it stopped")?;
    if !orphans.is_empty() {
        tracing::warn!(node = %settings.node, calls = ?orphans,
            "settled the calls this node was running when it stopped");
    }
    // Its callbacks ended with it: the numbers they claimed can be called back again.
    calls::callback_claims::release_node(&db, &settings.node)
        .await
        .context("cannot give back the callback claims this node held before it stopped")?;
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    for bundle in app::model::Bundle::ALL {
        let loader = format!("{}/{}.js", bundle.pkg_dir(), bundle.output_name());
        if !settings.site_root.join(&loader).exists() {
            tracing::warn!(site_root = %settings.site_root.display(), loader,
                "a browser bundle is missing: its pages render but will not hydrate \
                 (build the bundles with scripts/build-bundle.sh)");
        }
    }
    let mut state = AppState::new(db, settings.clone());
    state.watch_card_changes();
    state
        .start_calling()
        .await
        .context("cannot start the SIP trunk's endpoint")?;
    if settings.seed_demo
        && let Some(seeded) = seed::seed_if_empty(&state).await?
    {
        println!(
            "Seeded the demo issuer {} (password: {})",
            seeded.email, seeded.password
        );
        println!("Sample card: {}", seeded.card_url);
    }
    tokio::spawn(sweep_expired_sessions(state.db.clone()));
    tokio::spawn(calls::authority::stamp_running_calls(
        state.db.clone(),
        state.running_calls.clone(),
        std::time::Duration::from_secs(u64::from(settings.call_stamp_secs)),
    ));
    tokio::spawn(sweep_stale_calls(
        state.db.clone(),
        settings.call_stale_after_secs,
    ));
    println!("callcard is running at {}", settings.public_url);
    if let server::config::MailTransport::Outbox(dir) = &settings.mail.transport {
        println!(
            "no SMTP server is set (smtp_url): sign-up mails are written to {}",
            dir.display()
        );
    }
    let (views, db) = (state.card_views.clone(), state.db.clone());
    tokio::spawn({
        let (views, db) = (views.clone(), db.clone());
        async move { views.keep_flushing(db).await }
    });
    startup::serve(listener, state, shutdown_signal()).await?;
    if let Err(error) = views.flush(&db).await {
        tracing::warn!(%error, "could not store the last card views");
    }
    tracing::info!("stopped");
    Ok(())
}

/// Hourly: expired sessions are deleted, and accounts whose address never answered its
/// confirmation mail (`auth::confirmation::UNCONFIRMED_KEPT`).
async fn sweep_expired_sessions(db: sea_orm::DatabaseConnection) {
    let mut hourly = tokio::time::interval(std::time::Duration::from_secs(60 * 60));
    loop {
        hourly.tick().await;
        match auth::service::delete_expired_sessions(&db, chrono::Utc::now()).await {
            Ok(0) => {}
            Ok(deleted) => tracing::info!(deleted, "expired sessions removed"),
            Err(error) => tracing::warn!(%error, "could not remove expired sessions"),
        }
        match auth::sign_up::delete_unconfirmed_accounts(&db, chrono::Utc::now()).await {
            Ok(0) => {}
            Ok(deleted) => tracing::info!(deleted, "unconfirmed accounts removed"),
            Err(error) => tracing::warn!(%error, "could not remove unconfirmed accounts"),
        }
    }
}

/// No hold lives forever (R11): every half TTL, calls whose process stopped metering them are
/// settled up to their last metering point.
async fn sweep_stale_calls(db: sea_orm::DatabaseConnection, stale_after_secs: u32) {
    let ttl = chrono::Duration::seconds(i64::from(stale_after_secs));
    let mut ticks = tokio::time::interval(std::time::Duration::from_secs(
        u64::from(stale_after_secs / 2).max(1),
    ));
    loop {
        ticks.tick().await;
        match calls::reservation::sweep_stale(&db, chrono::Utc::now(), ttl).await {
            Ok(settled) if settled.is_empty() => {}
            Ok(settled) => tracing::warn!(?settled, "stale calls settled"),
            Err(error) => tracing::warn!(%error, "could not settle stale calls"),
        }
    }
}

/// Ctrl-C or SIGTERM: stop taking connections, finish the requests in flight.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

fn take_option(args: &mut Vec<String>, name: &str) -> anyhow::Result<Option<String>> {
    let Some(index) = args.iter().position(|arg| arg == name) else {
        return Ok(None);
    };
    anyhow::ensure!(index + 1 < args.len(), "{name} needs a value\n\n{USAGE}");
    let value = args.remove(index + 1);
    args.remove(index);
    Ok(Some(value))
}
