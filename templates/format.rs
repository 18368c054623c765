//! Dates, times and money for the reader's language: `lun. 3 nov. 2025 14:30` and
//! `1 234,56 €` in French, `Mon 3 Nov 2025 14:30` and `€1,234.56` in English.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;

use crate::domain::{Cents, Lang};

const FR_DAYS: [&str; 7] = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."];
const FR_MONTHS: [&str; 12] = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
];
const EN_DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const EN_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A day: `lun. 3 nov. 2025` / `Mon 3 Nov 2025`.
pub fn date(lang: Lang, day: NaiveDate) -> String {
    let (weekday, month) = (
        day.weekday().num_days_from_monday() as usize,
        day.month0() as usize,
    );
    match lang {
        Lang::Fr => format!(
            "{} {} {} {}",
            FR_DAYS[weekday],
            day.day(),
            FR_MONTHS[month],
            day.year()
        ),
        Lang::En => format!(
            "{} {} {} {}",
            EN_DAYS[weekday],
            day.day(),
            EN_MONTHS[month],
            day.year()
        ),
    }
}

/// An instant in the business's time zone: `lun. 3 nov. 2025 14:30`.
pub fn datetime(lang: Lang, zone: Tz, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&zone);
    format!(
        "{} {:02}:{:02}",
        date(lang, local.date_naive()),
        local.hour(),
        local.minute()
    )
}

/// When an event happens, in the business's zone: `mar. 10 mars 2026, 09:00–11:00`,
/// `mar. 10 mars 2026` for a whole day, `du … au …` across days.
pub fn event_time(lang: Lang, zone: Tz, time: &crate::domain::EventTime) -> String {
    use crate::domain::EventTime;
    let span = |a: String, b: String| match lang {
        Lang::Fr => format!("du {a} au {b}"),
        Lang::En => format!("{a} to {b}"),
    };
    match time {
        EventTime::AllDay { first, last } if first == last => date(lang, *first),
        EventTime::AllDay { first, last } => span(date(lang, *first), date(lang, *last)),
        EventTime::Timed { start, end } => {
            let (a, b) = (start.with_timezone(&zone), end.with_timezone(&zone));
            if a.date_naive() == b.date_naive() {
                format!(
                    "{}, {:02}:{:02}–{:02}:{:02}",
                    date(lang, a.date_naive()),
                    a.hour(),
                    a.minute(),
                    b.hour(),
                    b.minute()
                )
            } else {
                span(datetime(lang, zone, *start), datetime(lang, zone, *end))
            }
        }
    }
}

/// `n` and its noun, singular or plural as the language wants it (French: 0 and 1 are
/// singular): `plural(l, n, ("message retenu", "messages retenus"), ("held message", "held messages"))`.
pub fn plural(l: Lang, n: usize, fr: (&str, &str), en: (&str, &str)) -> String {
    let words = match l {
        Lang::Fr if n <= 1 => fr.0,
        Lang::Fr => fr.1,
        Lang::En if n == 1 => en.0,
        Lang::En => en.1,
    };
    format!("{} {words}", l.number(n as u64))
}

/// A size in bytes, as people read it: `820 o`, `1,4 Mo` / `820 B`, `1.4 MB`.
pub fn size(lang: Lang, bytes: u64) -> String {
    let (value, unit) = match bytes {
        0..1_000 => return format!("{bytes}{}", lang.t("\u{a0}o", " B")),
        1_000..1_000_000 => (bytes as f64 / 1e3, lang.t("\u{a0}ko", " kB")),
        1_000_000..1_000_000_000 => (bytes as f64 / 1e6, lang.t("\u{a0}Mo", " MB")),
        _ => (bytes as f64 / 1e9, lang.t("\u{a0}Go", " GB")),
    };
    let text = if value < 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.0}")
    };
    match lang {
        Lang::Fr => format!("{}{unit}", text.replace('.', ",")),
        Lang::En => format!("{text}{unit}"),
    }
}

/// A VAT rate as its forms write it and read it back: `20`, `5,5`.
pub fn rate(rate: crate::domain::VatRate) -> String {
    rate.to_string().replace(" %", "").replace('.', ",")
}

/// A decimal as the reader writes it: `1,5` / `1.5`.
pub fn decimal(lang: Lang, text: &str) -> String {
    match lang {
        Lang::Fr => text.replace('.', ","),
        Lang::En => text.to_string(),
    }
}

/// Money: `1 234,56 €` / `€1,234.56`.
pub fn money(lang: Lang, amount: Cents) -> String {
    let sign = if amount.0 < 0 { "-" } else { "" };
    let abs = amount.0.unsigned_abs();
    let (units, cents) = (abs / 100, abs % 100);
    let grouped = lang.number(units);
    match lang {
        Lang::Fr => format!("{sign}{grouped},{cents:02}\u{a0}€"),
        Lang::En => format!("{sign}€{grouped}.{cents:02}"),
    }
}

/// A reminder's tone, in words.
pub fn reminder_tone(l: Lang, tone: crate::domain::reminders::Tone) -> &'static str {
    use crate::domain::reminders::Tone;
    match tone {
        Tone::Courteous => l.t("aimable", "courteous"),
        Tone::Firm => l.t("ferme", "firm"),
        Tone::Formal => l.t("mise en demeure", "formal notice"),
        Tone::QuoteEnding => l.t("fin de validité", "ending validity"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn dates_and_money_read_as_each_language_writes_them() {
        let at = Utc.with_ymd_and_hms(2025, 11, 3, 13, 30, 0).unwrap();
        assert_eq!(
            datetime(Lang::Fr, chrono_tz::Europe::Paris, at),
            "lun. 3 nov. 2025 14:30"
        );
        assert_eq!(
            datetime(Lang::En, chrono_tz::Europe::Paris, at),
            "Mon 3 Nov 2025 14:30"
        );
        assert_eq!(money(Lang::Fr, Cents(123456)), "1\u{202f}234,56\u{a0}€");
        assert_eq!(money(Lang::En, Cents(-123456)), "-€1,234.56");
        assert_eq!(money(Lang::Fr, Cents(5)), "0,05\u{a0}€");
        let held = (
            ("message retenu", "messages retenus"),
            ("held message", "held messages"),
        );
        assert_eq!(plural(Lang::Fr, 0, held.0, held.1), "0 message retenu");
        assert_eq!(plural(Lang::Fr, 2, held.0, held.1), "2 messages retenus");
        assert_eq!(plural(Lang::En, 0, held.0, held.1), "0 held messages");
        assert_eq!(plural(Lang::En, 1, held.0, held.1), "1 held message");
    }
}
