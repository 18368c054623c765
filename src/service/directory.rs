//! The directory: users, clients and their members. Only an operator acts here: the
//! person at the machine's command line, or a staff member through the web view.

use crate::domain::{Client, ClientId, ClientKind, EmailAddress, Lang, NewUser, User, UserId};
use crate::error::{Error, Refusal, Result};
use crate::password;

use super::{COMPANY, NAME, Services};

/// Proof that the caller may administer the directory.
#[derive(Debug, Clone)]
pub struct Operator {
    /// The staff member acting, or `None` for the command line.
    pub by: Option<UserId>,
}

impl Operator {
    /// The command line: whoever can run `dossier admin` on the data folder.
    pub fn command_line() -> Operator {
        Operator { by: None }
    }

    /// A staff member; `None` for anyone else.
    pub fn staff(user: &User) -> Option<Operator> {
        crate::policy::may_administer(user).then_some(Operator { by: Some(user.id) })
    }
}

/// A person to add.
#[derive(Debug, Clone)]
pub struct PersonRequest {
    /// Display name.
    pub name: String,
    /// Addresses, at least one.
    pub emails: Vec<EmailAddress>,
    /// Language.
    pub lang: Lang,
    /// Staff member?
    pub staff: bool,
    /// Initial password, if any (people invited by e-mail may never need one).
    pub password: Option<String>,
}

impl Services {
    /// Adds a person to the directory.
    pub fn add_user(&self, op: &Operator, request: PersonRequest) -> Result<User> {
        self.add_user_to(op, request, None)
    }

    /// Adds a person to the directory as a member of the company `client` if one is
    /// given: both or neither (a refused membership leaves no person behind).
    pub fn add_user_to(
        &self,
        _op: &Operator,
        request: PersonRequest,
        client: Option<ClientId>,
    ) -> Result<User> {
        if request.staff && client.is_some() {
            return Err(Error::Invalid(
                Refusal::new(
                    "Un membre de l'équipe ne peut pas être membre d'un client.",
                    "A staff member cannot be a client's member.",
                )
                .on("client"),
            ));
        }
        let name = NAME.label(&request.name, 200)?;
        if let Some(existing) = request
            .emails
            .iter()
            .find_map(|e| self.store.user_by_email(e).transpose())
        {
            let existing = existing?;
            return Err(Error::Conflict(
                Refusal::new(
                    format!(
                        "L'adresse {} est déjà celle de {}.",
                        existing.primary_email(),
                        existing.name
                    ),
                    format!(
                        "The address {} is already used by {}.",
                        existing.primary_email(),
                        existing.name
                    ),
                )
                .on("email"),
            ));
        }
        let password_hash = request
            .password
            .as_deref()
            .map(password::hash)
            .transpose()?;
        let new = NewUser {
            name,
            emails: request.emails,
            lang: request.lang,
            staff: request.staff,
            password_hash,
        };
        self.store.insert_user_in(new, client)
    }

    /// The person who owns `email`.
    pub fn user_by_email(&self, _op: &Operator, email: &EmailAddress) -> Result<User> {
        self.store.user_by_email(email)?.ok_or_else(|| {
            Error::Invalid(
                Refusal::new(
                    format!("Personne n'a l'adresse {email}."),
                    format!("No one has the address {email}."),
                )
                .on("email"),
            )
        })
    }

    /// Gives a person one more address.
    pub fn add_user_email(
        &self,
        op: &Operator,
        owner: &EmailAddress,
        email: EmailAddress,
    ) -> Result<User> {
        let user = self.user_by_email(op, owner)?;
        self.store.update_user(user.id, |u| {
            if u.owns(&email) {
                return Err(Error::Conflict(
                    Refusal::new(
                        format!("{email} est déjà une adresse de cette personne."),
                        format!("{email} is already one of this person's addresses."),
                    )
                    .on("email"),
                ));
            }
            u.emails.push(email.clone());
            Ok(())
        })
    }

    /// Sets (or replaces) a person's password.
    pub fn set_password(
        &self,
        op: &Operator,
        owner: &EmailAddress,
        new_password: &str,
    ) -> Result<User> {
        let user = self.user_by_email(op, owner)?;
        let phc = password::hash(new_password)?;
        // A password set for someone signs them out everywhere.
        self.store.set_password_hash(user.id, &phc, "")
    }

    /// Adds a company client (members come after).
    pub fn add_company(
        &self,
        _op: &Operator,
        name: &str,
        may_create_dossiers: bool,
    ) -> Result<Client> {
        let name = COMPANY.label(name, 200)?;
        if self
            .store
            .clients()?
            .iter()
            .any(|c| c.name.eq_ignore_ascii_case(&name))
        {
            return Err(Error::Conflict(
                Refusal::new(
                    format!("Un client nommé « {name} » existe déjà."),
                    format!("A client named «{name}» already exists."),
                )
                .on("name"),
            ));
        }
        self.store
            .insert_client(name, ClientKind::Company, Vec::new(), may_create_dossiers)
    }

    /// Makes an existing person a private client.
    pub fn add_person_client(
        &self,
        op: &Operator,
        email: &EmailAddress,
        may_create_dossiers: bool,
    ) -> Result<Client> {
        let user = self.user_by_email(op, email)?;
        if user.staff {
            return Err(Error::Invalid(
                Refusal::new(
                    "Un membre de l'équipe ne peut pas être client.",
                    "A staff member cannot be a client.",
                )
                .on("email"),
            ));
        }
        self.store.insert_client(
            user.name.clone(),
            ClientKind::Person,
            vec![user.id],
            may_create_dossiers,
        )
    }

    /// Adds a person to a company client.
    pub fn add_member(
        &self,
        op: &Operator,
        client: ClientId,
        email: &EmailAddress,
    ) -> Result<Client> {
        let user = self.user_by_email(op, email)?;
        if user.staff {
            return Err(Error::Invalid(
                Refusal::new(
                    "Un membre de l'équipe ne peut pas être membre d'un client.",
                    "A staff member cannot be a client's member.",
                )
                .on("email"),
            ));
        }
        self.store.add_member(client, user.id)
    }

    /// Allows or forbids a client's people to open dossiers.
    pub fn set_may_create_dossiers(
        &self,
        _op: &Operator,
        client: ClientId,
        allowed: bool,
    ) -> Result<Client> {
        self.store.set_may_create_dossiers(client, allowed)
    }

    /// Finds a client by its number or its exact name (case aside).
    pub fn find_client(&self, _op: &Operator, text: &str) -> Result<Client> {
        let text = text.trim();
        let clients = self.store.clients()?;
        let found = match text.parse::<u64>() {
            Ok(id) => clients.into_iter().find(|c| c.id.raw() == id),
            Err(_) => {
                let mut named: Vec<Client> = clients
                    .into_iter()
                    .filter(|c| c.name.to_lowercase() == text.to_lowercase())
                    .collect();
                if named.len() > 1 {
                    return Err(Error::Invalid(
                        Refusal::new(
                            format!("Plusieurs clients s'appellent « {text} » : donnez le numéro du client."),
                            format!("Several clients are named «{text}»; give the client's number."),
                        )
                        .on("client"),
                    ));
                }
                named.pop()
            }
        };
        found.ok_or_else(|| {
            Error::Invalid(
                Refusal::new(
                    format!("Il n'y a pas de client « {text} »."),
                    format!("There is no client «{text}»."),
                )
                .on("client"),
            )
        })
    }

    /// Every user and every client (administration listings).
    pub fn directory(&self, _op: &Operator) -> Result<(Vec<User>, Vec<Client>)> {
        Ok((self.store.users()?, self.store.clients()?))
    }
}

impl Services {
    /// Changes the actor's reading language.
    pub fn set_language(&self, actor: &User, lang: Lang) -> Result<User> {
        self.store.update_user(actor.id, |u| {
            u.lang = lang;
            Ok(())
        })
    }

    /// Changes the actor's password (the current one is asked for when there is one) and
    /// ends their other sessions than `session`.
    pub fn change_password(
        &self,
        actor: &User,
        session: &str,
        current: &str,
        new_password: &str,
    ) -> Result<User> {
        if let Some(phc) = &actor.password_hash
            && !password::verify(current, phc)
        {
            return Err(Error::Invalid(
                Refusal::new(
                    "Le mot de passe actuel n'est pas le bon.",
                    "The current password is not right.",
                )
                .on("current"),
            ));
        }
        let phc = password::hash(new_password)?;
        // Whoever knew the old password is signed out everywhere else.
        self.store.set_password_hash(actor.id, &phc, session)
    }
}
