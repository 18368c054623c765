//! The numbers that identify a company on a French document: the SIREN and SIRET
//! (checked by their Luhn key) and the intra-community VAT number (checked by its key
//! for France, by its shape elsewhere). A mistake comes back as a sentence on its field.

use crate::error::Refusal;

/// Whether `digits` passes the Luhn check (SIREN, SIRET).
fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let twice = d * 2;
                if twice > 9 { twice - 9 } else { twice }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

fn digits_only(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '.')
        .collect()
}

/// Reads a SIREN (9 digits) or a SIRET (14 digits): spaces allowed, the Luhn key checked.
/// La Poste's SIRETs (SIREN 356 000 000) follow their own rule and are taken as given.
pub fn company_number(text: &str, len: usize, field: &'static str) -> Result<String, Refusal> {
    let number = digits_only(text);
    let (fr, en) = if len == 9 {
        ("Un SIREN compte neuf chiffres.", "A SIREN has nine digits.")
    } else {
        (
            "Un SIRET compte quatorze chiffres.",
            "A SIRET has fourteen digits.",
        )
    };
    if number.len() != len || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Refusal::new(fr, en).on(field));
    }
    if !luhn(&number) && !number.starts_with("356000000") {
        return Err(Refusal::new(
            "Ce numéro ne passe pas la clé de contrôle : vérifiez-le sur l'avis de situation INSEE.",
            "This number fails its check key: check it against the INSEE registration.",
        )
        .on(field));
    }
    Ok(number)
}

/// Reads an intra-community VAT number: for France `FR` + two-character key + SIREN,
/// with the numeric key checked against the SIREN; other countries by their shape only.
pub fn vat_number(text: &str, field: &'static str) -> Result<String, Refusal> {
    let number: String = digits_only(text).to_ascii_uppercase();
    let bad = || {
        Refusal::new(
            "Un numéro de TVA intracommunautaire commence par le code du pays (FR12345678901).",
            "An intra-community VAT number starts with the country code (FR12345678901).",
        )
        .on(field)
    };
    let (country, rest) = number.split_at_checked(2).ok_or_else(bad)?;
    if !country.bytes().all(|b| b.is_ascii_uppercase())
        || rest.len() < 2
        || rest.len() > 12
        || !rest.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return Err(bad());
    }
    if country == "FR" {
        let (key, siren) = rest.split_at_checked(2).ok_or_else(bad)?;
        if siren.len() != 9 || !siren.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        if let Ok(key) = key.parse::<u64>() {
            let siren: u64 = siren.parse().map_err(|_| bad())?;
            if key != (12 + 3 * (siren % 97)) % 97 {
                return Err(Refusal::new(
                    "La clé de ce numéro de TVA ne correspond pas à son SIREN.",
                    "The key of this VAT number does not match its SIREN.",
                )
                .on(field));
            }
        }
    }
    Ok(number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siren_siret_and_vat_numbers_are_checked_by_their_keys() {
        // INSEE's own SIREN and SIRET, and the VAT key computed from it.
        assert_eq!(company_number("130 005 481", 9, "s").unwrap(), "130005481");
        assert!(company_number("130 005 482", 9, "s").is_err());
        assert_eq!(
            company_number("130 005 481 00010", 14, "s").unwrap(),
            "13000548100010"
        );
        assert!(company_number("1300054810001", 14, "s").is_err());
        let key = (12 + 3 * (130_005_481u64 % 97)) % 97;
        let good = format!("FR{key:02}130005481");
        assert_eq!(vat_number(&good.to_lowercase(), "v").unwrap(), good);
        let bad = format!("FR{:02}130005481", (key + 1) % 97);
        assert!(vat_number(&bad, "v").is_err());
        assert!(vat_number("DE123456789", "v").is_ok());
        assert!(vat_number("123", "v").is_err());
    }
}
