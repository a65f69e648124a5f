//! Client organisations and their contacts: the validated inputs that create or edit them.
pub mod permissions;
use crate::validate::{Checker, Invalid, compact, is_siren, is_time_zone, is_vat_number};
use crate::{ContactRole, Currency, Language};
use serde::Deserialize;

/// A client organisation as typed in a form or an API body, before validation.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ClientForm {
    pub name: String,
    #[serde(default)]
    pub legal_name: Option<String>,
    #[serde(default)]
    pub siren: Option<String>,
    #[serde(default)]
    pub vat_number: Option<String>,
    #[serde(default)]
    pub billing_address: Option<String>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub time_zone: Option<String>,
    #[serde(default)]
    pub segment: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// A valid client organisation.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ClientInput {
    pub name: String,
    pub legal_name: Option<String>,
    pub siren: Option<String>,
    pub vat_number: Option<String>,
    pub billing_address: Option<String>,
    pub currency: Currency,
    pub language: Language,
    pub time_zone: String,
    pub segment: Option<String>,
    pub notes: Option<String>,
}

/// Workspace defaults applied to fields a client form leaves empty.
pub struct Defaults<'a> {
    pub currency: Currency,
    pub language: Language,
    pub time_zone: &'a str,
}

impl ClientForm {
    pub fn parse(&self, defaults: &Defaults<'_>) -> Result<ClientInput, Invalid> {
        let mut c = Checker::new();
        let name = c.required("name", &self.name, 200);
        let legal_name = c.optional("legal_name", self.legal_name.as_deref(), 200);
        let siren = c
            .optional("siren", self.siren.as_deref(), 20)
            .map(|s| compact(&s));
        if let Some(s) = &siren
            && !is_siren(s)
        {
            c.add("siren", "err-siren");
        }
        let vat_number = c
            .optional("vat_number", self.vat_number.as_deref(), 20)
            .map(|s| compact(&s).to_ascii_uppercase());
        if let Some(v) = &vat_number {
            if !is_vat_number(v) {
                c.add("vat_number", "err-vat");
            } else if let (Some(s), Some(rest)) = (&siren, v.strip_prefix("FR"))
                && rest.get(2..) != Some(s.as_str())
            {
                c.add("vat_number", "err-vat-siren-mismatch");
            }
        }
        let billing_address = c.optional("billing_address", self.billing_address.as_deref(), 500);
        let currency = match self
            .currency
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => defaults.currency,
            Some(code) => Currency::parse(code).unwrap_or_else(|| {
                c.add("currency", "err-currency");
                defaults.currency
            }),
        };
        let language = match self
            .language
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => defaults.language,
            Some(l) => Language::parse(l).unwrap_or_else(|| {
                c.add("language", "err-language");
                defaults.language
            }),
        };
        let time_zone = match self
            .time_zone
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => defaults.time_zone.to_string(),
            Some(tz) => {
                if !is_time_zone(tz) {
                    c.add("time_zone", "err-time-zone");
                }
                tz.to_string()
            }
        };
        let segment = c.optional("segment", self.segment.as_deref(), 80);
        let notes = c.optional("notes", self.notes.as_deref(), 5000);
        c.finish()?;
        Ok(ClientInput {
            name,
            legal_name,
            siren,
            vat_number,
            billing_address,
            currency,
            language,
            time_zone,
            segment,
            notes,
        })
    }
}

/// A client contact as typed, before validation.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ContactForm {
    pub first_name: String,
    pub last_name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub job_title: Option<String>,
    #[serde(default)]
    pub contact_role: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
}

/// A valid contact.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ContactInput {
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub job_title: Option<String>,
    pub contact_role: ContactRole,
    pub language: Language,
}

impl ContactForm {
    pub fn parse(&self, default_language: Language) -> Result<ContactInput, Invalid> {
        let mut c = Checker::new();
        let first_name = c.required("first_name", &self.first_name, 100);
        let last_name = c.required("last_name", &self.last_name, 100);
        let email = c.optional_email("email", self.email.as_deref());
        let phone = c.optional("phone", self.phone.as_deref(), 40);
        if let Some(p) = &phone {
            let digits = p.chars().filter(char::is_ascii_digit).count();
            if digits < 6
                || !p
                    .chars()
                    .all(|ch| ch.is_ascii_digit() || " +-.()".contains(ch))
            {
                c.add("phone", "err-phone");
            }
        }
        let job_title = c.optional("job_title", self.job_title.as_deref(), 100);
        let contact_role = match self
            .contact_role
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => ContactRole::Viewer,
            Some(r) => ContactRole::parse(r).unwrap_or_else(|| {
                c.add("contact_role", "err-contact-role");
                ContactRole::Viewer
            }),
        };
        let language = match self
            .language
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => default_language,
            Some(l) => Language::parse(l).unwrap_or_else(|| {
                c.add("language", "err-language");
                default_language
            }),
        };
        c.finish()?;
        Ok(ContactInput {
            first_name,
            last_name,
            email,
            phone,
            job_title,
            contact_role,
            language,
        })
    }
}

/// The lower-cased text a client or contact is searched by.
pub fn search_key(parts: &[Option<&str>]) -> String {
    parts
        .iter()
        .flatten()
        .map(|p| p.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> Defaults<'static> {
        Defaults {
            currency: Currency::EUR,
            language: Language::Fr,
            time_zone: "Europe/Paris",
        }
    }

    #[test]
    fn client_defaults_and_normalisation() {
        let form = ClientForm {
            name: "  Boulangerie Martin ".into(),
            siren: Some("732 829 320".into()),
            vat_number: Some("fr 44 732829320".into()),
            ..Default::default()
        };
        let c = form.parse(&defaults()).unwrap();
        assert_eq!(c.name, "Boulangerie Martin");
        assert_eq!(c.siren.as_deref(), Some("732829320"));
        assert_eq!(c.vat_number.as_deref(), Some("FR44732829320"));
        assert_eq!(c.currency, Currency::EUR);
        assert_eq!(c.time_zone, "Europe/Paris");
    }

    #[test]
    fn client_errors_name_each_field() {
        let form = ClientForm {
            name: "".into(),
            siren: Some("123456789".into()),
            currency: Some("EURO".into()),
            time_zone: Some("Mars/Olympus".into()),
            language: Some("de".into()),
            ..Default::default()
        };
        let Err(Invalid(errs)) = form.parse(&defaults()) else {
            panic!()
        };
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec!["name", "siren", "currency", "language", "time_zone"]
        );
    }

    #[test]
    fn vat_must_match_siren() {
        let form = ClientForm {
            name: "X".into(),
            siren: Some("552100554".into()),
            vat_number: Some("FR44732829320".into()),
            ..Default::default()
        };
        let Err(Invalid(errs)) = form.parse(&defaults()) else {
            panic!()
        };
        assert_eq!(errs[0].code, "err-vat-siren-mismatch");
    }

    #[test]
    fn contact_parse() {
        let form = ContactForm {
            first_name: "Anne".into(),
            last_name: "Dupont".into(),
            email: Some("Anne.Dupont@Exemple.FR".into()),
            phone: Some("+33 1 23 45 67 89".into()),
            contact_role: Some("billing".into()),
            ..Default::default()
        };
        let c = form.parse(Language::Fr).unwrap();
        assert_eq!(c.email.as_deref(), Some("anne.dupont@exemple.fr"));
        assert_eq!(c.contact_role, ContactRole::Billing);
        let bad = ContactForm {
            first_name: "A".into(),
            last_name: "B".into(),
            phone: Some("abc".into()),
            ..Default::default()
        };
        assert!(bad.parse(Language::Fr).is_err());
    }
}
