use std::process::ExitCode;

use clap::Parser;

use entitlement_emulator::cli::{self, Cli, Command};
use entitlement_emulator::configuration::Settings;
use entitlement_emulator::startup::{self, Application};
use entitlement_emulator::telemetry;
use entitlement_emulator::tenants::TenantId;

/// Exit status for bad flags or settings, as clap uses for usage errors.
const USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) if error.use_stderr() => {
            // One line, naming the flag; clap's own hint lines are dropped.
            let message = error.to_string();
            eprintln!(
                "{}",
                message.lines().next().unwrap_or("error: invalid arguments")
            );
            return ExitCode::from(USAGE);
        }
        // --help and --version.
        Err(error) => {
            let _ = error.print();
            return ExitCode::SUCCESS;
        }
    };
    let settings = match Settings::load(&cli.overrides()) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(USAGE);
        }
    };
    match cli.command {
        Some(Command::Healthcheck) => match cli::healthcheck(&settings) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("unhealthy: {error}");
                ExitCode::FAILURE
            }
        },
        Some(Command::Token(args)) => {
            let tenant = match &args.tenant {
                None => Some(settings.auth.signin.tenant_id.to_lowercase()),
                Some(name) => TenantId::parse(name).map(|id| id.to_string()),
            };
            let Some(tenant) = tenant else {
                eprintln!("error: --tenant must be a GUID or a domain name");
                return ExitCode::from(USAGE);
            };
            match entitlement_emulator::auth::jwt::mint(
                &settings.auth.jwt,
                &tenant,
                &args.permissions(),
                args.upn.as_deref(),
                args.app,
                args.expires_in,
            ) {
                Ok(token) => {
                    println!("{token}");
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!("error: {error}");
                    ExitCode::from(USAGE)
                }
            }
        }
        Some(Command::Serve) | None => serve(settings),
    }
}

fn serve(settings: Settings) -> ExitCode {
    telemetry::init(&settings.log.level);
    let served = actix_web::rt::System::new().block_on(async move {
        let application = Application::build(settings).await?;
        let shutdown = startup::shutdown_signal()?;
        if let Some(address) = application.http_address() {
            println!("listening on http://{address}");
        }
        if let Some(address) = application.https_address() {
            println!("listening on https://{address}");
        }
        if let Some(certificate) = application.certificate() {
            println!("TLS certificate: {}", certificate.display());
        }
        // The last start-up line, for harnesses that wait on output rather than on
        // `/_emulator/health`: every listener above is bound and the database migrated.
        println!("ready");
        application.run_until(shutdown).await?;
        Ok::<_, Box<dyn std::error::Error>>(())
    });
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
