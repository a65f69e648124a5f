"""Invoicing: the legal checks of an invoice's parties and VAT (French first, then English)."""
M = {
# VAT on lines that lack its legal ground
"err-vat-franchise": ("La franchise en base (art. 293 B du CGI) ne vaut que pour un vendeur qui l'a choisie dans les réglages.", "Franchise en base (art. 293 B of the CGI) applies only to a seller who chose it in the settings."),
"err-vat-in-franchise": ("Un vendeur en franchise en base ne facture pas de TVA : choisissez « TVA non applicable ».", "A seller in franchise en base charges no VAT: choose \u201cVAT not applicable\u201d."),
"err-vat-reverse-charge": ("L'autoliquidation (art. 283-2 du CGI) demande un client professionnel d'un autre pays de l'UE avec son numéro de TVA.", "Reverse charge (art. 283-2 of the CGI) needs a business client in another EU country with its VAT number."),
"err-vat-outside-eu": ("Ce taux est réservé aux clients hors de l'Union européenne (art. 259-1 du CGI).", "This rate is for clients outside the European Union (art. 259-1 of the CGI)."),
# payments
"err-payment-positive": ("Le montant d'un paiement doit être positif.", "A payment's amount must be positive."),
"err-payment-over-balance": ("Ce paiement dépasse ce qui reste à payer sur la facture.", "This payment is more than what is left to pay on the invoice."),
"err-payment-currency": ("Un paiement se fait dans la devise de la facture.", "A payment is made in the invoice's currency."),
"err-payment-before-invoice": ("Un paiement ne peut pas précéder la date de la facture.", "A payment cannot be dated before the invoice."),
"err-payment-future": ("Un paiement ne peut pas être daté dans le futur.", "A payment cannot be dated in the future."),
# the fields those checks name
"field-seller-name": ("Raison sociale du vendeur", "Seller's name"),
"field-seller-address": ("Adresse du vendeur", "Seller's address"),
"field-seller-postcode": ("Code postal du vendeur", "Seller's postcode"),
"field-seller-city": ("Ville du vendeur", "Seller's city"),
"field-seller-country": ("Pays du vendeur", "Seller's country"),
"field-seller-siren": ("SIREN du vendeur", "Seller's SIREN"),
"field-seller-registry-city": ("Ville d'immatriculation (RCS ou RM)", "Registry city (RCS or RM)"),
"field-seller-legal-form": ("Forme juridique", "Legal form"),
"field-seller-share-capital": ("Capital social", "Share capital"),
"field-seller-vat-number": ("N° de TVA du vendeur", "Seller's VAT number"),
"field-buyer-name": ("Nom du client", "Client's name"),
"field-buyer-address": ("Adresse du client", "Client's address"),
"field-buyer-postcode": ("Code postal du client", "Client's postcode"),
"field-buyer-city": ("Ville du client", "Client's city"),
"field-buyer-country": ("Pays du client", "Client's country"),
"field-buyer-siren": ("SIREN du client", "Client's SIREN"),
"field-buyer-vat-number": ("N° de TVA du client", "Client's VAT number"),
"field-vat": ("TVA", "VAT"),
}
