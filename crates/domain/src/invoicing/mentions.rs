//! What French law requires of an invoice's parties and VAT before it may be issued (issue 10,
//! "France, to the letter"): every missing or wrong item reported at once, field by field, so
//! that "this client cannot be invoiced" always says why.
use crate::Invalid;
use crate::invoicing::facturx::Address;
use crate::invoicing::totals::Vat;
use crate::validate::{Checker, is_siren, is_vat_number};

/// EU member states (ISO 3166-1 alpha-2), for autoliquidation and services outside the EU.
pub const EU: &[&str] = &[
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

/// Legal forms that have a share capital to state (sociétés); an entreprise individuelle has none.
const WITH_CAPITAL: &[&str] = &[
    "SA", "SAS", "SASU", "SARL", "EURL", "SNC", "SCA", "SCS", "SCOP", "SELARL", "SELAS",
];

/// The seller, as the workspace settings hold it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Seller<'a> {
    pub name: &'a str,
    pub address: Address<'a>,
    pub siren: &'a str,
    /// The city of its RCS (or RM) registration.
    pub registry_city: &'a str,
    /// `SAS`, `SARL`, `EI`…
    pub legal_form: &'a str,
    /// Minor units; required for sociétés.
    pub share_capital: Option<i64>,
    /// Required unless the seller is in franchise en base.
    pub vat_number: Option<&'a str>,
    /// Franchise en base de TVA (art. 293 B du CGI): no VAT charged.
    pub franchise: bool,
}

/// The buyer, as the client record holds it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Buyer<'a> {
    pub name: &'a str,
    pub address: Address<'a>,
    pub siren: Option<&'a str>,
    pub vat_number: Option<&'a str>,
    /// A business (the 40 € recovery indemnity and SIREN apply), not a consumer.
    pub business: bool,
}

fn given(s: &str) -> bool {
    !s.trim().is_empty()
}

/// Whether `seller` may invoice `buyer` with lines at `vats`; every missing or wrong item as a
/// field error (`seller_*` fields are the workspace settings', `buyer_*` the client's, `vat` the
/// lines').
pub fn check(seller: &Seller<'_>, buyer: &Buyer<'_>, vats: &[Vat]) -> Result<(), Invalid> {
    let mut c = Checker::new();
    for (field, v) in [
        ("seller_name", seller.name),
        ("seller_address", seller.address.line),
        ("seller_postcode", seller.address.postcode),
        ("seller_city", seller.address.city),
        ("seller_country", seller.address.country),
        ("seller_registry_city", seller.registry_city),
        ("seller_legal_form", seller.legal_form),
        ("buyer_name", buyer.name),
        ("buyer_address", buyer.address.line),
        ("buyer_postcode", buyer.address.postcode),
        ("buyer_city", buyer.address.city),
        ("buyer_country", buyer.address.country),
    ] {
        if !given(v) {
            c.add(field, "err-required");
        }
    }
    if !given(seller.siren) {
        c.add("seller_siren", "err-required");
    } else if !is_siren(seller.siren.trim()) {
        c.add("seller_siren", "err-siren");
    }
    let form = seller.legal_form.trim().to_ascii_uppercase();
    if WITH_CAPITAL.contains(&form.as_str()) && seller.share_capital.is_none() {
        c.add("seller_share_capital", "err-required");
    }
    match seller.vat_number.map(str::trim).filter(|v| !v.is_empty()) {
        None if !seller.franchise => c.add("seller_vat_number", "err-required"),
        Some(v) if !is_vat_number(v) => c.add("seller_vat_number", "err-vat"),
        _ => {}
    }
    let buyer_country = buyer.address.country.trim().to_ascii_uppercase();
    match buyer.siren.map(str::trim).filter(|s| !s.is_empty()) {
        None if buyer.business && buyer_country == "FR" => c.add("buyer_siren", "err-required"),
        Some(s) if !is_siren(s) => c.add("buyer_siren", "err-siren"),
        _ => {}
    }
    let buyer_vat = buyer.vat_number.map(str::trim).filter(|v| !v.is_empty());
    if let Some(v) = buyer_vat
        && !is_vat_number(v)
    {
        c.add("buyer_vat_number", "err-vat");
    }
    let in_eu = EU.contains(&buyer_country.as_str());
    for v in vats {
        let wrong = match v {
            Vat::Franchise => (!seller.franchise).then_some("err-vat-franchise"),
            Vat::ReverseCharge => {
                (!(buyer.business && in_eu && buyer_country != "FR" && buyer_vat.is_some()))
                    .then_some("err-vat-reverse-charge")
            }
            Vat::OutsideEu => (in_eu || !given(&buyer_country)).then_some("err-vat-outside-eu"),
            _ => seller.franchise.then_some("err-vat-in-franchise"),
        };
        if let Some(code) = wrong {
            c.add("vat", code);
        }
    }
    c.finish()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn seller() -> Seller<'static> {
        Seller {
            name: "Atelier Lumière",
            address: Address {
                line: "12 rue des Arts",
                postcode: "69002",
                city: "Lyon",
                country: "FR",
            },
            siren: "732829320",
            registry_city: "Lyon",
            legal_form: "SARL",
            share_capital: Some(1_000_000),
            vat_number: Some("FR44732829320"),
            franchise: false,
        }
    }

    fn at(country: &'static str) -> Address<'static> {
        Address {
            line: "3 place du Marché",
            postcode: "75011",
            city: "Paris",
            country,
        }
    }

    fn buyer() -> Buyer<'static> {
        Buyer {
            name: "Boulangerie Dupain",
            address: at("FR"),
            siren: Some("542065479"),
            vat_number: None,
            business: true,
        }
    }

    fn fields(r: Result<(), Invalid>) -> Vec<(String, &'static str)> {
        r.err()
            .map(|e| e.0.iter().map(|f| (f.field.clone(), f.code)).collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_complete_french_invoice_passes_and_each_gap_is_named() {
        assert_eq!(check(&seller(), &buyer(), &[Vat::Standard]), Ok(()));
        let s = Seller {
            siren: "123",
            share_capital: None,
            vat_number: None,
            registry_city: " ",
            ..seller()
        };
        let b = Buyer {
            siren: None,
            address: Address {
                line: "",
                ..at("FR")
            },
            ..buyer()
        };
        assert_eq!(
            fields(check(&s, &b, &[Vat::Standard])),
            vec![
                ("seller_registry_city".to_string(), "err-required"),
                ("buyer_address".to_string(), "err-required"),
                ("seller_siren".to_string(), "err-siren"),
                ("seller_share_capital".to_string(), "err-required"),
                ("seller_vat_number".to_string(), "err-required"),
                ("buyer_siren".to_string(), "err-required"),
            ]
        );
        // A consumer needs no SIREN; an entreprise individuelle no share capital.
        let consumer = Buyer {
            siren: None,
            business: false,
            ..buyer()
        };
        let ei = Seller {
            legal_form: "EI",
            share_capital: None,
            ..seller()
        };
        assert_eq!(check(&ei, &consumer, &[Vat::Standard]), Ok(()));
    }

    #[test]
    fn zero_rates_need_their_legal_ground() {
        let de = Buyer {
            address: at("DE"),
            siren: None,
            vat_number: Some("DE129273398"),
            ..buyer()
        };
        assert_eq!(check(&seller(), &de, &[Vat::ReverseCharge]), Ok(()));
        // A French client, or one without a VAT number, is no autoliquidation.
        assert_eq!(
            fields(check(&seller(), &buyer(), &[Vat::ReverseCharge])),
            vec![("vat".to_string(), "err-vat-reverse-charge")]
        );
        let de_no_vat = Buyer {
            vat_number: None,
            ..de
        };
        assert_eq!(
            fields(check(&seller(), &de_no_vat, &[Vat::ReverseCharge])),
            vec![("vat".to_string(), "err-vat-reverse-charge")]
        );
        let us = Buyer {
            address: at("US"),
            siren: None,
            ..buyer()
        };
        assert_eq!(check(&seller(), &us, &[Vat::OutsideEu]), Ok(()));
        assert_eq!(
            fields(check(&seller(), &de, &[Vat::OutsideEu])),
            vec![("vat".to_string(), "err-vat-outside-eu")]
        );
        // Franchise: only for a seller in franchise, who then charges no VAT and needs no number.
        let franchise = Seller {
            franchise: true,
            vat_number: None,
            ..seller()
        };
        assert_eq!(check(&franchise, &buyer(), &[Vat::Franchise]), Ok(()));
        assert_eq!(
            fields(check(&seller(), &buyer(), &[Vat::Franchise])),
            vec![("vat".to_string(), "err-vat-franchise")]
        );
        assert_eq!(
            fields(check(&franchise, &buyer(), &[Vat::Standard])),
            vec![("vat".to_string(), "err-vat-in-franchise")]
        );
        assert_eq!(EU.len(), 27);
    }
}
