//! Users (with their unique address index) and clients (with the member index that
//! lists, for one user, the clients they act for).

use std::sync::Arc;

use chrono::Utc;

use super::tx::{Tx, TxResult, abort};
use super::{Store, Tree, keys};
use crate::domain::{Billing, Client, ClientId, ClientKind, EmailAddress, NewUser, User, UserId};
use crate::error::{Error, Result};

fn address_taken(email: &EmailAddress) -> Error {
    Error::Conflict(
        crate::error::Refusal::new(
            format!("L'adresse {email} est déjà celle d'une autre personne."),
            format!("The address {email} is already used by another person."),
        )
        .on("email"),
    )
}

/// Claims `email` for `user` in the address index, refusing one already taken.
fn claim_address(tx: &Tx, email: &EmailAddress, user: UserId) -> TxResult<()> {
    if tx.contains(Tree::UserEmails, email.as_str().as_bytes())? {
        return abort(address_taken(email));
    }
    tx.put(Tree::UserEmails, email.as_str().as_bytes(), &user)
}

/// Adds `user` to the company `client` in `tx`.
fn add_member_in(tx: &Tx, client: ClientId, user: UserId) -> TxResult<Client> {
    let key = keys::one(client.raw());
    let Some(mut row) = tx.get::<Client>(Tree::Clients, &key)? else {
        return abort(Error::NotFound);
    };
    if row.kind == ClientKind::Person {
        return abort(Error::invalid(
            "Un client particulier est une seule personne : créez une société pour ajouter des membres.",
            "A private client is one person; make a company to add members.",
        ));
    }
    if !tx.contains(Tree::Users, &keys::one(user.raw()))? {
        return abort(Error::NotFound);
    }
    if row.has_member(user) {
        return abort(Error::Conflict(crate::error::Refusal::new(
            "Cette personne est déjà membre de ce client.",
            "This person is already a member of this client.",
        )));
    }
    row.members.push(user);
    tx.mark(Tree::ClientMembers, &keys::two(user.raw(), client.raw()))?;
    tx.put(Tree::Clients, &key, &row)?;
    Ok(row)
}

impl Store {
    /// Records a new user; every address must be free.
    pub fn insert_user(&self, new: NewUser) -> Result<User> {
        self.insert_user_in(new, None)
    }

    /// Records a new user, a member of the company `client` if one is given, in one
    /// transaction: a refused membership leaves no person behind.
    pub fn insert_user_in(&self, new: NewUser, client: Option<ClientId>) -> Result<User> {
        if new.emails.is_empty() {
            return Err(Error::invalid(
                "Une personne a au moins une adresse e-mail.",
                "A person needs at least one e-mail address.",
            ));
        }
        let user = User {
            id: self.new_id()?,
            name: new.name,
            emails: new.emails,
            lang: new.lang,
            staff: new.staff,
            password_hash: new.password_hash,
            created_at: Utc::now(),
            session_epoch: 0,
        };
        let mut unique = user.emails.clone();
        unique.sort();
        unique.dedup();
        if unique.len() != user.emails.len() {
            return Err(Error::invalid(
                "La même adresse est donnée deux fois.",
                "The same address is given twice.",
            ));
        }
        self.write(|tx| {
            for email in &user.emails {
                claim_address(tx, email, user.id)?;
            }
            tx.people_changed()?;
            tx.put(Tree::Users, &keys::one(user.id.raw()), &user)?;
            if let Some(client) = client {
                add_member_in(tx, client, user.id)?;
            }
            Ok(())
        })?;
        Ok(user)
    }

    /// One user.
    pub fn user(&self, id: UserId) -> Result<Option<User>> {
        self.get(Tree::Users, &keys::one(id.raw()))
    }

    /// The user who owns `email`, if any.
    pub fn user_by_email(&self, email: &EmailAddress) -> Result<Option<User>> {
        match self.get::<UserId>(Tree::UserEmails, email.as_str().as_bytes())? {
            Some(id) => self.user(id),
            None => Ok(None),
        }
    }

    /// Every user, oldest first (administration pages).
    pub fn users(&self) -> Result<Vec<User>> {
        self.scan(Tree::Users, &[])
    }

    /// Every user, oldest first, kept in memory until a person changes: the pages that
    /// name people do not decode everyone on every visit.
    pub fn people(&self) -> Result<Arc<[User]>> {
        let stamp = self.people_stamp()?;
        if let Some(people) = self.inner.people.get(&(), &stamp) {
            return Ok(people);
        }
        let people: Vec<User> = self.users()?;
        let bytes = people.len() * 512;
        let people: Arc<[User]> = people.into();
        self.inner.people.put((), stamp, people.clone(), bytes);
        Ok(people)
    }

    /// Changes a user with `edit` in one transaction; addresses are kept unique.
    pub fn update_user(&self, id: UserId, edit: impl Fn(&mut User) -> Result<()>) -> Result<User> {
        self.write(|tx| {
            let key = keys::one(id.raw());
            let Some(before) = tx.get::<User>(Tree::Users, &key)? else {
                return abort(Error::NotFound);
            };
            let mut after = before.clone();
            if let Err(err) = edit(&mut after) {
                return abort(err);
            }
            after.id = before.id;
            if after.emails.is_empty() {
                return abort(Error::invalid(
                    "Une personne a au moins une adresse e-mail.",
                    "A person needs at least one e-mail address.",
                ));
            }
            for gone in before.emails.iter().filter(|e| !after.emails.contains(e)) {
                tx.remove(Tree::UserEmails, gone.as_str().as_bytes())?;
            }
            for added in after.emails.iter().filter(|e| !before.emails.contains(e)) {
                claim_address(tx, added, id)?;
            }
            tx.people_changed()?;
            tx.put(Tree::Users, &key, &after)?;
            Ok(after)
        })
    }

    /// Records a new client with its members.
    pub fn insert_client(
        &self,
        name: String,
        kind: ClientKind,
        members: Vec<UserId>,
        may_create_dossiers: bool,
    ) -> Result<Client> {
        if kind == ClientKind::Person && members.len() != 1 {
            return Err(Error::invalid(
                "Un client particulier est une seule personne.",
                "A private client is exactly one person.",
            ));
        }
        let client = Client {
            id: self.new_id()?,
            name,
            kind,
            members,
            may_create_dossiers,
            created_at: Utc::now(),
            billing: Default::default(),
        };
        self.write(|tx| {
            for member in &client.members {
                if !tx.contains(Tree::Users, &keys::one(member.raw()))? {
                    return abort(Error::NotFound);
                }
                tx.mark(
                    Tree::ClientMembers,
                    &keys::two(member.raw(), client.id.raw()),
                )?;
            }
            tx.put(Tree::Clients, &keys::one(client.id.raw()), &client)
        })?;
        Ok(client)
    }

    /// One client.
    pub fn client(&self, id: ClientId) -> Result<Option<Client>> {
        self.get(Tree::Clients, &keys::one(id.raw()))
    }

    /// Every client, oldest first.
    pub fn clients(&self) -> Result<Vec<Client>> {
        self.scan(Tree::Clients, &[])
    }

    /// The clients `user` acts for (as the person or a company member).
    pub fn clients_of(&self, user: UserId) -> Result<Vec<ClientId>> {
        Ok(self
            .scan_pairs(Tree::ClientMembers, user.raw())?
            .into_iter()
            .map(ClientId::from_raw)
            .collect())
    }

    /// Adds `user` to a company client.
    pub fn add_member(&self, client: ClientId, user: UserId) -> Result<Client> {
        self.write(|tx| add_member_in(tx, client, user))
    }

    /// Replaces a client's billing details.
    pub fn set_billing(&self, client: ClientId, billing: &Billing) -> Result<Client> {
        self.write(|tx| {
            let key = keys::one(client.raw());
            let Some(mut row) = tx.get::<Client>(Tree::Clients, &key)? else {
                return abort(Error::NotFound);
            };
            row.billing = billing.clone();
            tx.put(Tree::Clients, &key, &row)?;
            Ok(row)
        })
    }

    /// Allows or forbids a client's people to open dossiers themselves.
    pub fn set_may_create_dossiers(&self, client: ClientId, allowed: bool) -> Result<Client> {
        self.write(|tx| {
            let key = keys::one(client.raw());
            let Some(mut row) = tx.get::<Client>(Tree::Clients, &key)? else {
                return abort(Error::NotFound);
            };
            row.may_create_dossiers = allowed;
            tx.put(Tree::Clients, &key, &row)?;
            Ok(row)
        })
    }
}
