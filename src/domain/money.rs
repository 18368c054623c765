//! Money in integer cents (EUR), VAT rates in basis points, quantities in thousandths,
//! and the one rounding rule of the product. Never floating point.
//!
//! Rounding rule (written once, used everywhere):
//! 1. a line's amount before tax = quantity × unit price, rounded to the cent,
//!    half away from zero;
//! 2. lines are summed per VAT rate; the VAT of a rate = that base × rate, rounded to the
//!    cent, half away from zero (VAT is computed on each rate's base, not per line, as
//!    French invoices show it);
//! 3. total = sum of bases + sum of VAT of every rate.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// An amount of money in euro cents; may be negative (a discount line, a credit).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Cents(pub i64);

/// A VAT rate in basis points: 2000 is 20 %, 550 is 5.5 %.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct VatRate(pub u32);

/// A quantity in thousandths: 1500 is 1.5 (hours, metres, units).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Quantity(pub i64);

/// Divides with rounding half away from zero; `den` > 0.
fn div_round(num: i128, den: i128) -> i128 {
    let half = den / 2;
    if num >= 0 {
        (num + half) / den
    } else {
        (num - half) / den
    }
}

/// Why a decimal text could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("«{0}» is not a valid number")]
pub struct BadNumber(pub String);

/// Parses a decimal text such as `1 234,56`, `-3.5` or `12` into units of 10^-`scale`.
/// Refuses more decimals than `scale` rather than silently rounding what a person typed.
fn parse_scaled(text: &str, scale: u32) -> Result<i64, BadNumber> {
    let bad = || BadNumber(text.chars().take(40).collect());
    let cleaned: String = text
        .trim()
        .trim_end_matches('€')
        .trim_end_matches('%')
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '_'))
        .collect();
    let (negative, digits) = match cleaned.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, cleaned.as_str()),
    };
    let digits = digits.replace(',', ".");
    let (whole, frac) = digits.split_once('.').unwrap_or((&digits, ""));
    let all_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() && frac.is_empty() || !all_digits(whole) || !all_digits(frac) {
        return Err(bad());
    }
    if frac.len() > scale as usize || whole.len() > 12 {
        return Err(bad());
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let mut frac_value: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse().map_err(|_| bad())?
    };
    frac_value *= 10i64.pow(scale - frac.len() as u32);
    let value = whole * 10i64.pow(scale) + frac_value;
    Ok(if negative { -value } else { value })
}

impl Cents {
    /// Reads `12,50`, `12.5`, `1 234,56 €`.
    pub fn parse(text: &str) -> Result<Self, BadNumber> {
        parse_scaled(text, 2).map(Cents)
    }
}

impl VatRate {
    /// The rates of French VAT, highest first: normal, intermediate, reduced, particular,
    /// and none.
    pub const FRENCH: [VatRate; 5] = [
        VatRate(2000),
        VatRate(1000),
        VatRate(550),
        VatRate(210),
        VatRate(0),
    ];

    /// The tax at this rate on `base`, rounded half away from zero (rule 2).
    pub fn of(self, base: Cents) -> Cents {
        Cents(div_round(base.0 as i128 * self.0 as i128, 10_000) as i64)
    }

    /// Reads a percentage: `20`, `5,5`, `2.1 %`; at most 100 %.
    pub fn parse(text: &str) -> Result<Self, BadNumber> {
        let bp = parse_scaled(text, 2)?;
        if !(0..=10_000).contains(&bp) {
            return Err(BadNumber(text.chars().take(40).collect()));
        }
        Ok(VatRate(bp as u32))
    }
}

impl Quantity {
    /// Reads `3`, `1,5`, `0.125`.
    pub fn parse(text: &str) -> Result<Self, BadNumber> {
        parse_scaled(text, 3).map(Quantity)
    }
}

impl fmt::Display for Cents {
    /// `1234.56` / `-0.05`: the neutral form; the web view formats per language.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl fmt::Display for VatRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, frac) = (self.0 / 100, self.0 % 100);
        match frac {
            0 => write!(f, "{whole} %"),
            f10 if f10 % 10 == 0 => write!(f, "{whole}.{} %", f10 / 10),
            _ => write!(f, "{whole}.{frac:02} %"),
        }
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (whole, frac) = (abs / 1000, abs % 1000);
        if frac == 0 {
            return write!(f, "{sign}{whole}");
        }
        let frac = format!("{frac:03}");
        write!(f, "{sign}{whole}.{}", frac.trim_end_matches('0'))
    }
}

/// One line of a quote, order or invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    /// What is sold.
    pub description: String,
    /// How many.
    pub quantity: Quantity,
    /// What one is counted in (`h`, `m²`, `forfait`); empty for plain units.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub unit: String,
    /// Price of one unit, before tax.
    pub unit_price: Cents,
    /// VAT rate applied to this line.
    pub vat_rate: VatRate,
}

impl Line {
    /// quantity × unit price, rounded half away from zero (rule 1).
    pub fn amount(&self) -> Cents {
        let product = self.quantity.0 as i128 * self.unit_price.0 as i128;
        Cents(div_round(product, 1000) as i64)
    }
}

/// VAT of one rate: its base and the tax on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VatLine {
    /// The rate.
    pub rate: VatRate,
    /// Sum of the lines at that rate, before tax.
    pub base: Cents,
    /// base × rate, rounded (rule 2).
    pub vat: Cents,
}

/// The totals of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Sum of the lines before tax.
    pub before_tax: Cents,
    /// One entry per rate used, by increasing rate.
    pub vat: Vec<VatLine>,
    /// before tax + every VAT (rule 3).
    pub total: Cents,
}

/// Computes the totals of `lines` by the rounding rule above.
pub fn totals(lines: &[Line]) -> Totals {
    let mut bases: BTreeMap<VatRate, i64> = BTreeMap::new();
    for line in lines {
        *bases.entry(line.vat_rate).or_default() += line.amount().0;
    }
    let vat: Vec<VatLine> = bases
        .into_iter()
        .map(|(rate, base)| VatLine {
            rate,
            base: Cents(base),
            vat: Cents(div_round(base as i128 * rate.0 as i128, 10_000) as i64),
        })
        .collect();
    let before_tax = vat.iter().map(|v| v.base.0).sum();
    let total = before_tax + vat.iter().map(|v| v.vat.0).sum::<i64>();
    Totals {
        before_tax: Cents(before_tax),
        vat,
        total: Cents(total),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(qty: &str, price: &str, rate: &str) -> Line {
        Line {
            description: "x".into(),
            quantity: Quantity::parse(qty).unwrap(),
            unit: String::new(),
            unit_price: Cents::parse(price).unwrap(),
            vat_rate: VatRate::parse(rate).unwrap(),
        }
    }

    #[test]
    fn line_amount_rounds_half_away_from_zero() {
        // 0.5 × 0.05 € = 0.025 € → 0.03 €; the negative twin → -0.03 €.
        assert_eq!(line("0,5", "0,05", "20").amount(), Cents(3));
        assert_eq!(line("0,5", "-0,05", "20").amount(), Cents(-3));
        // 1.333 × 10 € = 13.33 €, exactly.
        assert_eq!(line("1,333", "10", "20").amount(), Cents(1333));
    }

    #[test]
    fn vat_is_computed_per_rate_on_the_summed_base() {
        // Three lines of 0.05 € at 20 %: per line VAT would round to 0.01 × 3 = 0.03 €;
        // on the base of 0.15 € it is 0.03 € too, but 0.025 → 0.03 shows the half rule.
        let lines = [
            line("1", "0,05", "20"),
            line("1", "0,05", "20"),
            line("1", "0,05", "20"),
        ];
        let t = totals(&lines);
        assert_eq!(t.before_tax, Cents(15));
        assert_eq!(
            t.vat,
            vec![VatLine {
                rate: VatRate(2000),
                base: Cents(15),
                vat: Cents(3)
            }]
        );
        assert_eq!(t.total, Cents(18));
        // Two lines of 0.02 € at 20 %: per line 0.004 → 0.00 each; per rate 0.04 → 0.008 → 0.01.
        let t = totals(&[line("1", "0,02", "20"), line("1", "0,02", "20")]);
        assert_eq!(t.vat[0].vat, Cents(1));
    }

    #[test]
    fn totals_list_every_rate_in_order() {
        let t = totals(&[
            line("2", "100", "20"),
            line("1", "49,99", "5,5"),
            line("3,5", "12,40", "10"),
        ]);
        let rates: Vec<u32> = t.vat.iter().map(|v| v.rate.0).collect();
        assert_eq!(rates, vec![550, 1000, 2000]);
        assert_eq!(t.before_tax, Cents(20000 + 4999 + 4340));
        // 49.99 × 5.5 % = 2.749… → 2.75; 43.40 × 10 % = 4.34; 200 × 20 % = 40.
        let vats: Vec<i64> = t.vat.iter().map(|v| v.vat.0).collect();
        assert_eq!(vats, vec![275, 434, 4000]);
        assert_eq!(t.total, Cents(29339 + 275 + 434 + 4000));
    }

    #[test]
    fn decimal_texts_parse_exactly_or_not_at_all() {
        assert_eq!(Cents::parse("1 234,56 €"), Ok(Cents(123456)));
        assert_eq!(Cents::parse("-0.5"), Ok(Cents(-50)));
        assert_eq!(Cents::parse("12"), Ok(Cents(1200)));
        assert!(
            Cents::parse("1,234").is_err(),
            "three decimals are refused, not rounded"
        );
        assert!(Cents::parse("douze").is_err());
        assert!(Cents::parse("").is_err());
        assert_eq!(VatRate::parse("5,5 %"), Ok(VatRate(550)));
        assert_eq!(VatRate(2000).of(Cents(1250)), Cents(250));
        assert_eq!(VatRate(550).of(Cents(999)), Cents(55), "54,945 rounds up");
        assert!(VatRate::parse("120").is_err());
        assert_eq!(Quantity::parse("0,125"), Ok(Quantity(125)));
        assert_eq!(Cents(-5).to_string(), "-0.05");
        assert_eq!(VatRate(550).to_string(), "5.5 %");
        assert_eq!(Quantity(1500).to_string(), "1.5");
    }
}
