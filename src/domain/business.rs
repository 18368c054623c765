//! Who sells and who buys, as a French document must name them: postal addresses, the
//! business profile with its legal mentions, and a client's billing details (their
//! company numbers read by [`super::company_ids`]). Every field a form gives is checked
//! here, with a sentence per mistake.

use serde::{Deserialize, Serialize};

use super::company_ids::{company_number, vat_number};
use crate::error::Refusal;

/// A postal address as invoices and EN 16931 carry it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PostalAddress {
    /// Street and number.
    pub line1: String,
    /// Building, floor, "BP 12"…
    pub line2: String,
    /// Postal code (`69003`).
    pub postcode: String,
    /// City.
    pub city: String,
    /// ISO 3166-1 alpha-2 country code (`FR`).
    pub country: String,
}

impl PostalAddress {
    /// Whether nothing was given.
    pub fn is_empty(&self) -> bool {
        self.line1.is_empty() && self.postcode.is_empty() && self.city.is_empty()
    }

    /// The address as printed, one line per part.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![self.line1.clone()];
        if !self.line2.is_empty() {
            lines.push(self.line2.clone());
        }
        let city = format!("{} {}", self.postcode, self.city);
        lines.push(city.trim().to_string());
        if self.country != "FR" && !self.country.is_empty() {
            lines.push(self.country.clone());
        }
        lines.retain(|l| !l.is_empty());
        lines
    }

    /// Checks a typed address: all empty, or street, postal code and city given; a
    /// French postal code has five digits. A delivery address's fields are named
    /// `delivery_…` in forms.
    pub fn checked(mut self, delivery: bool) -> Result<PostalAddress, Refusal> {
        let field = |part: &'static str| -> &'static str {
            match (delivery, part) {
                (false, part) => part,
                (true, "line1") => "delivery_line1",
                (true, "postcode") => "delivery_postcode",
                (true, "city") => "delivery_city",
                (true, _) => "delivery_country",
            }
        };
        for part in [
            &mut self.line1,
            &mut self.line2,
            &mut self.postcode,
            &mut self.city,
        ] {
            *part = part.split_whitespace().collect::<Vec<_>>().join(" ");
        }
        self.country = self.country.trim().to_ascii_uppercase();
        if self.country.is_empty() {
            self.country = "FR".into();
        }
        if self.is_empty() && self.line2.is_empty() {
            return Ok(self);
        }
        if self.line1.is_empty() {
            return Err(Refusal::new("Indiquez la rue.", "Give the street.").on(field("line1")));
        }
        if self.city.is_empty() {
            return Err(Refusal::new("Indiquez la ville.", "Give the city.").on(field("city")));
        }
        let french = self.country == "FR";
        if french
            && !(self.postcode.len() == 5 && self.postcode.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(Refusal::new(
                "Un code postal français a cinq chiffres.",
                "A French postal code has five digits.",
            )
            .on(field("postcode")));
        }
        if self.country.len() != 2 || !self.country.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(Refusal::new(
                "Le pays s'écrit en deux lettres (FR, BE, CH…).",
                "The country is two letters (FR, BE, CH…).",
            )
            .on(field("country")));
        }
        for part in [&self.line1, &self.line2, &self.postcode, &self.city] {
            if part.chars().count() > 200 {
                return Err(Refusal::new(
                    "Une ligne d'adresse compte au plus 200 caractères.",
                    "An address line has at most 200 characters.",
                )
                .on(field("line1")));
            }
        }
        Ok(self)
    }
}

/// Professional insurance, mandatory on the quotes and invoices of building trades.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Insurance {
    /// The insurer's name.
    pub insurer: String,
    /// The policy number.
    pub policy: String,
    /// Where it covers (`France métropolitaine`).
    pub cover: String,
}

/// The business as its documents name it: identity, legal mentions, bank details and
/// the defaults of its documents.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct BusinessProfile {
    /// Legal name (`Atelier Moreau SARL`); the business name when empty.
    pub legal_name: String,
    /// Legal form (`SARL`, `SAS`, `EI`, `micro-entreprise`).
    pub legal_form: String,
    /// Share capital in euros, as printed (`10 000 €`); none for an individual business.
    pub capital: String,
    /// Head office.
    pub address: PostalAddress,
    /// SIREN (9 digits).
    pub siren: String,
    /// SIRET of the establishment (14 digits).
    pub siret: String,
    /// The trade register and its city (`RCS Lyon`, `RM 69`).
    pub registry: String,
    /// Intra-community VAT number; empty for a business exempt from VAT.
    pub vat_number: String,
    /// Exempt from VAT (franchise en base, art. 293 B du CGI): documents carry no VAT
    /// and say why.
    pub vat_exempt: bool,
    /// Whether the business opted for paying VAT on debits (mention required on its
    /// invoices since the 2026 reform).
    pub vat_on_debits: bool,
    /// APE / NAF code (`43.32A`).
    pub ape: String,
    /// Professional insurance.
    pub insurance: Insurance,
    /// IBAN for transfers.
    pub iban: String,
    /// BIC.
    pub bic: String,
    /// Days to pay an invoice, by default.
    pub payment_days: u32,
    /// The late-payment penalty rate as printed (`trois fois le taux d'intérêt légal`).
    pub late_rate: String,
    /// How many days a quote is valid, by default.
    pub quote_days: u32,
    /// Phone shown on documents.
    pub phone: String,
    /// Days after an invoice's due date its reminders go (courteous, firm, then a formal
    /// notice); `[7, 15, 30]` when empty.
    pub reminder_days: Vec<u32>,
    /// Days before a quote's validity ends its one reminder goes; 3 when 0.
    pub quote_reminder_days: u32,
    /// No reminder goes at all.
    pub no_reminders: bool,
}

/// When nothing is said: J+7 courteous, J+15 firm, J+30 formal notice.
pub const DEFAULT_REMINDER_DAYS: [u32; 3] = [7, 15, 30];
/// When nothing is said: three days before a quote's validity ends.
pub const DEFAULT_QUOTE_REMINDER_DAYS: u32 = 3;

/// How many days to pay when nothing is said (the legal default, art. L441-10).
pub const DEFAULT_PAYMENT_DAYS: u32 = 30;
/// How long a quote is valid when nothing is said.
pub const DEFAULT_QUOTE_DAYS: u32 = 30;
/// The late-payment rate printed when nothing is said (the legal minimum).
pub const DEFAULT_LATE_RATE: &str = "trois fois le taux d'intérêt légal";

impl BusinessProfile {
    /// Days to pay, with the legal default.
    pub fn payment_days(&self) -> u32 {
        if self.payment_days == 0 {
            DEFAULT_PAYMENT_DAYS
        } else {
            self.payment_days
        }
    }

    /// Days after an invoice's due date that its reminders go, in order, with the default.
    pub fn reminder_days(&self) -> Vec<u32> {
        if self.reminder_days.is_empty() {
            DEFAULT_REMINDER_DAYS.to_vec()
        } else {
            self.reminder_days.clone()
        }
    }

    /// Days before a quote's validity ends that its reminder goes.
    pub fn quote_reminder_days(&self) -> u32 {
        if self.quote_reminder_days == 0 {
            DEFAULT_QUOTE_REMINDER_DAYS
        } else {
            self.quote_reminder_days
        }
    }

    /// Days a quote is valid, with the default.
    pub fn quote_days(&self) -> u32 {
        if self.quote_days == 0 {
            DEFAULT_QUOTE_DAYS
        } else {
            self.quote_days
        }
    }

    /// The late-payment rate, with the legal minimum.
    pub fn late_rate(&self) -> &str {
        if self.late_rate.is_empty() {
            DEFAULT_LATE_RATE
        } else {
            &self.late_rate
        }
    }

    /// What a document still lacks before it may be issued: the legal identity of the
    /// seller (name, address, SIREN or SIRET, and a VAT number unless exempt).
    pub fn missing(&self) -> Vec<&'static str> {
        let mut missing = Vec::new();
        if self.legal_name.is_empty() {
            missing.push("legal_name");
        }
        if self.address.is_empty() {
            missing.push("address");
        }
        if self.siren.is_empty() && self.siret.is_empty() {
            missing.push("siren");
        }
        if !self.vat_exempt && self.vat_number.is_empty() {
            missing.push("vat_number");
        }
        missing
    }

    /// The SIREN, given or read from the SIRET.
    pub fn siren(&self) -> &str {
        if self.siren.is_empty() && self.siret.len() == 14 {
            &self.siret[..9]
        } else {
            &self.siren
        }
    }

    /// Checks and cleans a profile as a form gives it.
    pub fn checked(mut self) -> Result<BusinessProfile, Refusal> {
        let line = |text: &str, field: &'static str, max: usize| -> Result<String, Refusal> {
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if text.chars().count() > max {
                return Err(Refusal::new(
                    format!("Ce champ compte au plus {max} caractères."),
                    format!("This field has at most {max} characters."),
                )
                .on(field));
            }
            Ok(text)
        };
        self.legal_name = line(&self.legal_name, "legal_name", 200)?;
        self.legal_form = line(&self.legal_form, "legal_form", 60)?;
        self.capital = line(&self.capital, "capital", 60)?;
        self.registry = line(&self.registry, "registry", 100)?;
        self.ape = line(&self.ape, "ape", 10)?.to_ascii_uppercase();
        self.insurance.insurer = line(&self.insurance.insurer, "insurer", 200)?;
        self.insurance.policy = line(&self.insurance.policy, "policy", 100)?;
        self.insurance.cover = line(&self.insurance.cover, "cover", 200)?;
        self.late_rate = line(&self.late_rate, "late_rate", 200)?;
        self.phone = line(&self.phone, "phone", 40)?;
        self.address = self.address.checked(false)?;
        if !self.siren.trim().is_empty() {
            self.siren = company_number(&self.siren, 9, "siren")?;
        }
        if !self.siret.trim().is_empty() {
            self.siret = company_number(&self.siret, 14, "siret")?;
            if !self.siren.is_empty() && !self.siret.starts_with(&self.siren) {
                return Err(Refusal::new(
                    "Le SIRET commence par le SIREN de l'entreprise.",
                    "The SIRET starts with the company's SIREN.",
                )
                .on("siret"));
            }
        }
        self.vat_number = if self.vat_number.trim().is_empty() {
            String::new()
        } else {
            vat_number(&self.vat_number, "vat_number")?
        };
        if self.vat_exempt && !self.vat_number.is_empty() && self.vat_on_debits {
            return Err(Refusal::new(
                "Une entreprise en franchise de TVA n'opte pas pour la TVA sur les débits.",
                "A business exempt from VAT does not opt for VAT on debits.",
            )
            .on("vat_on_debits"));
        }
        self.iban = self
            .iban
            .split_whitespace()
            .collect::<String>()
            .to_ascii_uppercase();
        if !self.iban.is_empty() && self.iban.parse::<iban::Iban>().is_err() {
            return Err(Refusal::new(
                "Cet IBAN n'est pas valide : vérifiez-le sur votre RIB.",
                "This IBAN is not valid: check it against your bank details.",
            )
            .on("iban"));
        }
        self.bic = self.bic.trim().to_ascii_uppercase();
        let bic_shape =
            matches!(self.bic.len(), 8 | 11) && self.bic.bytes().all(|b| b.is_ascii_alphanumeric());
        if !self.bic.is_empty() && !bic_shape {
            return Err(Refusal::new(
                "Un BIC compte 8 ou 11 lettres et chiffres.",
                "A BIC has 8 or 11 letters and digits.",
            )
            .on("bic"));
        }
        if self.payment_days > 60 {
            return Err(Refusal::new(
                "Le délai de paiement ne dépasse pas 60 jours (art. L441-10 du Code de commerce).",
                "Payment terms cannot exceed 60 days (French commercial code).",
            )
            .on("payment_days"));
        }
        if self.quote_days > 365 {
            return Err(Refusal::new(
                "Un devis est valable au plus un an.",
                "A quote is valid for at most a year.",
            )
            .on("quote_days"));
        }
        Ok(self)
    }
}

/// What a client's documents need to name them: billing and delivery addresses, and for
/// a company its SIREN and VAT number (2026 reform).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Billing {
    /// Where invoices are addressed.
    pub address: PostalAddress,
    /// Where the work or the goods go, when not the billing address.
    pub delivery: PostalAddress,
    /// SIREN of a company client.
    pub siren: String,
    /// Intra-community VAT number of a company client.
    pub vat_number: String,
}

impl Billing {
    /// Checks and cleans billing details as a form gives them.
    pub fn checked(mut self) -> Result<Billing, Refusal> {
        self.address = self.address.checked(false)?;
        self.delivery = self.delivery.checked(true)?;
        if !self.siren.trim().is_empty() {
            self.siren = company_number(&self.siren, 9, "siren")?;
        } else {
            self.siren.clear();
        }
        self.vat_number = if self.vat_number.trim().is_empty() {
            String::new()
        } else {
            vat_number(&self.vat_number, "vat_number")?
        };
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_whole_or_empty_and_a_french_postcode_has_five_digits() {
        let empty = PostalAddress::default().checked(false).unwrap();
        assert!(empty.is_empty());
        assert_eq!(empty.country, "FR");
        let typed = |postcode: &str| PostalAddress {
            line1: " 12  rue des Lilas ".into(),
            postcode: postcode.into(),
            city: "Lyon".into(),
            ..Default::default()
        };
        let ok = typed("69003").checked(false).unwrap();
        assert_eq!(ok.line1, "12 rue des Lilas");
        assert_eq!(ok.lines(), ["12 rue des Lilas", "69003 Lyon"]);
        let refused = typed("6900").checked(true).unwrap_err();
        assert_eq!(refused.field(), Some("delivery_postcode"));
    }

    #[test]
    fn a_profile_refuses_a_bad_iban_and_a_siret_of_another_siren() {
        let profile = BusinessProfile {
            iban: "FR76 3000 6000 0112 3456 7890 189".into(),
            siren: "130005481".into(),
            siret: "13000548100010".into(),
            ..Default::default()
        };
        let checked = profile.clone().checked().unwrap();
        assert_eq!(checked.iban, "FR7630006000011234567890189");
        let wrong = BusinessProfile {
            iban: "FR76 3000 6000 0112 3456 7890 188".into(),
            ..profile.clone()
        };
        assert_eq!(wrong.checked().unwrap_err().field(), Some("iban"));
        let other = BusinessProfile {
            siren: "732829320".into(),
            ..profile
        };
        assert_eq!(other.checked().unwrap_err().field(), Some("siret"));
    }
}
