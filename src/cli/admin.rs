//! `dossier admin …`: the directory from the command line (the first staff account of a
//! real installation comes from here). Each command changes one thing or nothing, and
//! prints one line saying what it did.

use std::io::Read;
use std::path::PathBuf;

use clap::Subcommand;

use super::{Failure, exit};
use crate::app::App;
use crate::config::Config;
use crate::domain::{Client, ClientKind, EmailAddress, Lang, User};
use crate::service::{Operator, PersonRequest};

/// The admin commands.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Make a DKIM key for the mail domain, write it to a file (never over one) and print
    /// the DNS record to publish; then serve with `--dkim-key FILE --dkim-selector S`.
    DkimGenerate {
        /// Where to write the key (PEM, readable by its owner only).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// The selector to publish it under.
        #[arg(long, default_value = "dossier")]
        selector: String,
        /// An Ed25519 key instead of RSA 2048 (smaller; not every receiver checks it).
        #[arg(long)]
        ed25519: bool,
    },
    /// Add a staff member (sees and edits every dossier).
    AddStaff(PersonArgs),
    /// Add a person: a client's member or an intervenant.
    AddPerson(PersonArgs),
    /// Give a person one more e-mail address.
    AddEmail {
        /// One of the person's current addresses.
        #[arg(long)]
        user: String,
        /// The new address.
        #[arg(long)]
        email: String,
    },
    /// Set a person's password (read from a file, or `-` for standard input).
    SetPassword {
        /// The person's address.
        #[arg(long)]
        email: String,
        /// File holding the password on its first line; `-` reads standard input.
        #[arg(long, value_name = "FILE")]
        password_file: PathBuf,
    },
    /// Add a company client; its members come with `add-member`.
    AddCompany {
        /// Company name.
        #[arg(long)]
        name: String,
        /// Let its members open dossiers themselves.
        #[arg(long)]
        may_create_dossiers: bool,
    },
    /// Make an existing person a private client.
    AddPrivateClient {
        /// The person's address.
        #[arg(long)]
        email: String,
        /// Let them open dossiers themselves.
        #[arg(long)]
        may_create_dossiers: bool,
    },
    /// Add an existing person to a company client.
    AddMember {
        /// The client's number or exact name.
        #[arg(long)]
        client: String,
        /// The person's address.
        #[arg(long)]
        email: String,
    },
    /// Allow or forbid a client's people to open dossiers.
    SetMayCreateDossiers {
        /// The client's number or exact name.
        #[arg(long)]
        client: String,
        /// `true` or `false`.
        #[arg(long, action = clap::ArgAction::Set)]
        allowed: bool,
    },
    /// E-mail someone an invitation: a link that signs them in once, within 7 days.
    Invite {
        /// The person's address.
        #[arg(long)]
        email: String,
        /// The staff member who invites (named in the e-mail).
        #[arg(long)]
        by: Option<String>,
    },
    /// List people and clients.
    List,
}

/// Who a new person is.
#[derive(Debug, clap::Args)]
pub struct PersonArgs {
    /// Display name.
    #[arg(long)]
    name: String,
    /// E-mail address (repeat for several).
    #[arg(long = "email", required = true)]
    emails: Vec<String>,
    /// Language: fr or en.
    #[arg(long, default_value = "fr")]
    lang: String,
    /// File holding the password on its first line; `-` reads standard input.
    /// Without it the person signs in by e-mailed link only.
    #[arg(long, value_name = "FILE")]
    password_file: Option<PathBuf>,
}

fn bad(message: String) -> Failure {
    Failure {
        code: exit::DATA,
        message,
    }
}

fn address(text: &str) -> Result<EmailAddress, Failure> {
    EmailAddress::parse(text).map_err(|e| bad(e.to_string()))
}

/// Reads a password from the first line of a file or standard input.
fn read_password(path: &PathBuf) -> Result<String, Failure> {
    let mut text = String::new();
    let read = if path.as_os_str() == "-" {
        std::io::stdin().read_to_string(&mut text)
    } else {
        std::fs::File::open(path).and_then(|mut f| f.read_to_string(&mut text))
    };
    read.map_err(|e| {
        bad(format!(
            "cannot read the password from {}: {e}",
            path.display()
        ))
    })?;
    Ok(text.lines().next().unwrap_or("").to_string())
}

/// Writes a new DKIM key to `out` and says where to publish it.
fn dkim_generate(
    config: &Config,
    out: &std::path::Path,
    selector: &str,
    ed25519: bool,
) -> Result<String, Failure> {
    use std::io::Write;
    let (pem, record) = crate::mail::outbound::dkim::generate(ed25519)?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(out).and_then(|mut file| {
        file.write_all(pem.as_bytes())
            .and_then(|()| file.sync_all())
    });
    written.map_err(|e| Failure {
        code: exit::CANT_CREATE,
        message: format!("cannot write the key to {}: {e}", out.display()),
    })?;
    // Checked as `serve` will read it.
    crate::mail::outbound::dkim::Signer::load(out, selector, &config.mail_domain).map_err(bad)?;
    Ok(format!(
        "key written to {}; publish {selector}._domainkey.{} TXT \"{record}\"",
        out.display(),
        config.mail_domain
    ))
}

/// Runs one admin command.
pub fn run(config: Config, command: AdminCommand) -> Result<(), Failure> {
    // Making a key touches no store.
    if let AdminCommand::DkimGenerate {
        out,
        selector,
        ed25519,
    } = &command
    {
        println!("{}", dkim_generate(&config, out, selector, *ed25519)?);
        return Ok(());
    }
    let app = App::open(config)?;
    let services = &app.services;
    let op = Operator::command_line();
    let line = match command {
        AdminCommand::DkimGenerate { .. } => unreachable!("made above, with no store"),
        AdminCommand::AddStaff(person) => add_person(&app, person, true)?,
        AdminCommand::AddPerson(person) => add_person(&app, person, false)?,
        AdminCommand::AddEmail { user, email } => {
            let user = services.add_user_email(&op, &address(&user)?, address(&email)?)?;
            format!("{} now has the addresses {}", user.name, emails(&user))
        }
        AdminCommand::SetPassword {
            email,
            password_file,
        } => {
            let password = read_password(&password_file)?;
            let user = services.set_password(&op, &address(&email)?, &password)?;
            format!("password set for {} <{}>", user.name, user.primary_email())
        }
        AdminCommand::AddCompany {
            name,
            may_create_dossiers,
        } => describe(
            &services.add_company(&op, &name, may_create_dossiers)?,
            "added",
        ),
        AdminCommand::AddPrivateClient {
            email,
            may_create_dossiers,
        } => describe(
            &services.add_person_client(&op, &address(&email)?, may_create_dossiers)?,
            "added",
        ),
        AdminCommand::AddMember { client, email } => {
            let email = address(&email)?;
            let client = services.find_client(&op, &client)?;
            let client = services.add_member(&op, client.id, &email)?;
            format!(
                "{email} is now a member of {} (client {})",
                client.name, client.id
            )
        }
        AdminCommand::SetMayCreateDossiers { client, allowed } => {
            let client = services.find_client(&op, &client)?;
            describe(
                &services.set_may_create_dossiers(&op, client.id, allowed)?,
                "updated",
            )
        }
        AdminCommand::Invite { email, by } => {
            let user = services.user_by_email(&op, &address(&email)?)?;
            let inviter = match by {
                Some(by) => Some(services.user_by_email(&op, &address(&by)?)?),
                None => None,
            };
            app.notifier
                .send_login_link(&user, 7 * 24 * 60, inviter.as_ref())?;
            format!(
                "invitation queued for {} <{}>; `serve` sends it",
                user.name,
                user.primary_email()
            )
        }
        AdminCommand::List => list(&app)?,
    };
    app.store().flush()?;
    println!("{line}");
    Ok(())
}

fn add_person(app: &App, person: PersonArgs, staff: bool) -> Result<String, Failure> {
    let addresses = person
        .emails
        .iter()
        .map(|e| address(e))
        .collect::<Result<Vec<_>, _>>()?;
    let lang = Lang::parse(&person.lang)
        .ok_or_else(|| bad(format!("language «{}» is not fr or en", person.lang)))?;
    let password = person
        .password_file
        .as_ref()
        .map(read_password)
        .transpose()?;
    let request = PersonRequest {
        name: person.name,
        emails: addresses,
        lang,
        staff,
        password,
    };
    let user = app.services.add_user(&Operator::command_line(), request)?;
    let what = if staff { "staff member" } else { "person" };
    Ok(format!(
        "added {what} {} <{}> (user {})",
        user.name,
        emails(&user),
        user.id
    ))
}

fn emails(user: &User) -> String {
    user.emails
        .iter()
        .map(|e| e.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn describe(client: &Client, verb: &str) -> String {
    let kind = match client.kind {
        ClientKind::Company => "company",
        ClientKind::Person => "private client",
    };
    let may = if client.may_create_dossiers {
        "may"
    } else {
        "may not"
    };
    format!(
        "{verb} {kind} {} (client {}); its people {may} open dossiers",
        client.name, client.id
    )
}

fn list(app: &App) -> Result<String, Failure> {
    let (users, clients) = app.services.directory(&Operator::command_line())?;
    let mut out = Vec::new();
    for user in &users {
        let kind = if user.staff { "staff" } else { "person" };
        out.push(format!(
            "user {}\t{kind}\t{}\t{}",
            user.id,
            user.name,
            emails(user)
        ));
    }
    for client in &clients {
        let members: Vec<String> = users
            .iter()
            .filter(|u| client.has_member(u.id))
            .map(|u| u.primary_email().to_string())
            .collect();
        out.push(format!(
            "client {}\t{}\t{}",
            client.id,
            client.name,
            members.join(", ")
        ));
    }
    Ok(out.join("\n"))
}
