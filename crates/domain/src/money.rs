//! Money as an exact decimal amount with an ISO 4217 currency; never a float.
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;

/// ISO 4217 currencies Mesure accepts, with their minor-unit digits.
const CURRENCIES: &[(&str, u32)] = &[
    ("EUR", 2),
    ("USD", 2),
    ("GBP", 2),
    ("CHF", 2),
    ("CAD", 2),
    ("AUD", 2),
    ("NZD", 2),
    ("JPY", 0),
    ("CNY", 2),
    ("SEK", 2),
    ("NOK", 2),
    ("DKK", 2),
    ("PLN", 2),
    ("CZK", 2),
    ("HUF", 2),
    ("RON", 2),
    ("BGN", 2),
    ("MAD", 2),
    ("TND", 3),
    ("DZD", 2),
    ("XOF", 0),
    ("XAF", 0),
    ("XPF", 0),
    ("BRL", 2),
    ("MXN", 2),
    ("INR", 2),
    ("SGD", 2),
    ("HKD", 2),
    ("ZAR", 2),
    ("AED", 2),
    ("ILS", 2),
    ("TRY", 2),
    ("KRW", 0),
    ("ISK", 0),
];

/// An ISO 4217 currency and its number of decimals. Serialised as its code; deserialised by hand
/// (a derived `try_from` would tie the input's lifetime to the `'static` code).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "String")]
pub struct Currency(&'static str, u32);

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Currency::try_from(String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

impl Currency {
    pub const EUR: Currency = Currency("EUR", 2);

    /// Parses an ISO 4217 code (case-insensitive); `None` for unknown codes.
    pub fn parse(code: &str) -> Option<Currency> {
        let up = code.trim().to_ascii_uppercase();
        CURRENCIES
            .iter()
            .find(|(c, _)| *c == up)
            .map(|(c, d)| Currency(c, *d))
    }
    pub fn code(self) -> &'static str {
        self.0
    }
    pub fn minor_digits(self) -> u32 {
        self.1
    }
    pub fn all() -> impl Iterator<Item = Currency> {
        CURRENCIES.iter().map(|(c, d)| Currency(c, *d))
    }
}

impl TryFrom<String> for Currency {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Currency::parse(&s).ok_or_else(|| format!("unknown currency {s}"))
    }
}
impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.0.to_string()
    }
}
impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// The largest amount Mesure accepts anywhere (a price, a fee, a cap, a budget): ten billion
/// in the currency (10¹² cents of a euro). With [`max_rate_minor`] and entries of at most a day,
/// no sum of millions of entries can come near `i64::MAX`; aggregates still use checked
/// arithmetic.
pub fn max_amount_minor(currency: Currency) -> i64 {
    10_000_000_000 * 10i64.pow(currency.minor_digits())
}

/// The largest hourly rate (billing or cost) in a currency: 100,000.00 per hour.
pub fn max_rate_minor(currency: Currency) -> i64 {
    100_000 * 10i64.pow(currency.minor_digits())
}

/// An amount in a currency. Stored as integer minor units, computed as `Decimal`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

impl Money {
    pub fn new(amount: Decimal, currency: Currency) -> Money {
        Money { amount, currency }
    }
    pub fn from_minor(minor: i64, currency: Currency) -> Money {
        Money {
            amount: Decimal::new(minor, currency.minor_digits()),
            currency,
        }
    }
    /// Minor units, rounded half away from zero to the currency's digits.
    pub fn to_minor(self) -> Option<i64> {
        let scaled = self.amount.round_dp_with_strategy(
            self.currency.minor_digits(),
            rust_decimal::RoundingStrategy::MidpointAwayFromZero,
        );
        let factor = Decimal::from(10i64.pow(self.currency.minor_digits()));
        i64::try_from(scaled.checked_mul(factor)?).ok()
    }
    pub fn amount(self) -> Decimal {
        self.amount
    }
    pub fn currency(self) -> Currency {
        self.currency
    }
    /// The amount with exactly the currency's minor digits, e.g. `1234.50`.
    pub fn to_decimal_string(self) -> String {
        let d = self.currency.minor_digits();
        let mut v = self
            .amount
            .round_dp_with_strategy(d, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        v.rescale(d);
        v.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn currency_codes() {
        assert_eq!(Currency::parse("eur"), Some(Currency::EUR));
        assert_eq!(Currency::parse("JPY").map(|c| c.minor_digits()), Some(0));
        assert_eq!(Currency::parse("EURO"), None);
        assert_eq!(Currency::parse("XXX"), None);
    }

    #[test]
    fn minor_units_round_half_away_from_zero() {
        let m = Money::new(
            Decimal::from_str("10.005").unwrap_or_default(),
            Currency::EUR,
        );
        assert_eq!(m.to_minor(), Some(1001));
        assert_eq!(m.to_decimal_string(), "10.01");
        let n = Money::new(
            Decimal::from_str("-10.005").unwrap_or_default(),
            Currency::EUR,
        );
        assert_eq!(n.to_minor(), Some(-1001));
        assert_eq!(
            Money::from_minor(123456, Currency::EUR).to_decimal_string(),
            "1234.56"
        );
        assert_eq!(
            Money::from_minor(5, Currency::parse("JPY").unwrap_or(Currency::EUR))
                .to_decimal_string(),
            "5"
        );
    }
}
