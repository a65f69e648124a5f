//! The Factur-X XMP pass: krilla writes the PDF/A XMP metadata but offers no way to add custom
//! properties, so the finished file is read back with lopdf, the Factur-X properties and their
//! PDF/A extension schema description are added to the metadata stream, and the file is saved
//! again (one revision, classic cross-reference table).
//!
//! The properties follow the Factur-X 1.0 specification (and what the `factur-x` Python
//! package writes): namespace `urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#`, prefix
//! `fx`, `DocumentType` INVOICE (credit notes too), `DocumentFileName` factur-x.xml, `Version`
//! 1.0, `ConformanceLevel` EN 16931.

use lopdf::{Dictionary, Object};

use crate::Error;

/// The Factur-X XMP namespace.
pub(crate) const FX_NS: &str = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#";

/// The Factur-X properties, as a description of the document.
fn fx_description() -> String {
    format!(
        r#"<rdf:Description rdf:about="" xmlns:fx="{FX_NS}"><fx:DocumentType>INVOICE</fx:DocumentType><fx:DocumentFileName>factur-x.xml</fx:DocumentFileName><fx:Version>1.0</fx:Version><fx:ConformanceLevel>EN 16931</fx:ConformanceLevel></rdf:Description>"#
    )
}

/// The PDF/A extension schema description of the Factur-X properties (one `rdf:li` of the
/// `pdfaExtension:schemas` bag).
fn fx_schema() -> String {
    let properties = [
        ("DocumentFileName", "The name of the embedded XML document"),
        (
            "DocumentType",
            "The type of the hybrid document in capital letters, e.g. INVOICE or ORDER",
        ),
        (
            "Version",
            "The actual version of the standard applying to the embedded XML document",
        ),
        (
            "ConformanceLevel",
            "The conformance level of the embedded XML document",
        ),
    ]
    .iter()
    .map(|(name, description)| {
        format!(
            r#"<rdf:li rdf:parseType="Resource"><pdfaProperty:name>{name}</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category><pdfaProperty:description>{description}</pdfaProperty:description></rdf:li>"#
        )
    })
    .collect::<String>();
    format!(
        r#"<rdf:li rdf:parseType="Resource"><pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema><pdfaSchema:namespaceURI>{FX_NS}</pdfaSchema:namespaceURI><pdfaSchema:prefix>fx</pdfaSchema:prefix><pdfaSchema:property><rdf:Seq>{properties}</rdf:Seq></pdfaSchema:property></rdf:li>"#
    )
}

const EXT_NS: &str = r#"xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#""#;

/// Adds the Factur-X properties and their extension schema to an XMP packet.
pub(crate) fn augment(xmp: &str) -> Result<String, Error> {
    let missing = |what: &str| Error::Metadata(format!("the XMP packet has no {what}"));
    let end = xmp
        .rfind("</rdf:RDF>")
        .ok_or_else(|| missing("</rdf:RDF>"))?;
    let (head, tail) = xmp.split_at(end);
    let mut out = String::with_capacity(xmp.len() + 2048);
    match head.find("<pdfaExtension:schemas>") {
        // krilla already describes extension schemas: ours joins the same bag.
        Some(schemas) => {
            let bag = head
                .get(schemas..)
                .and_then(|s| s.find("<rdf:Bag>"))
                .map(|b| schemas + b + "<rdf:Bag>".len())
                .ok_or_else(|| missing("bag of extension schemas"))?;
            let (before, after) = head.split_at(bag);
            out.push_str(before);
            out.push_str(&fx_schema());
            out.push_str(after);
        }
        None => {
            out.push_str(head);
            out.push_str(&format!(
                r#"<rdf:Description rdf:about="" {EXT_NS}><pdfaExtension:schemas><rdf:Bag>{}</rdf:Bag></pdfaExtension:schemas></rdf:Description>"#,
                fx_schema()
            ));
        }
    }
    out.push_str(&fx_description());
    out.push_str(tail);
    Ok(out)
}

/// Rewrites the PDF's metadata stream with the Factur-X properties, after checking that the
/// catalog lists the embedded XML among its associated files (`/AF`).
pub(crate) fn add_facturx(pdf: &[u8]) -> Result<Vec<u8>, Error> {
    let err = |e: lopdf::Error| Error::Metadata(e.to_string());
    let mut doc = lopdf::Document::load_mem(pdf).map_err(err)?;
    let catalog = doc.catalog().map_err(err)?;
    let metadata = catalog
        .get(b"Metadata")
        .and_then(Object::as_reference)
        .map_err(err)?;
    let af = catalog.get(b"AF").and_then(Object::as_array).map_err(err)?;
    let mut found = false;
    for spec in af {
        let spec = doc
            .dereference(spec)
            .and_then(|(_, o)| o.as_dict())
            .map_err(err)?;
        found |= is_facturx_spec(spec);
    }
    if !found {
        return Err(Error::Metadata(
            "the catalog's /AF does not list factur-x.xml".to_owned(),
        ));
    }
    let stream = doc
        .get_object_mut(metadata)
        .and_then(Object::as_stream_mut)
        .map_err(err)?;
    let xmp = std::str::from_utf8(&stream.content)
        .map_err(|_| Error::Metadata("the XMP packet is not UTF-8".to_owned()))?;
    let xmp = augment(xmp)?;
    stream.set_content(xmp.into_bytes());
    let mut out = Vec::with_capacity(pdf.len() + 4096);
    doc.save_to(&mut out)
        .map_err(|e| Error::Metadata(e.to_string()))?;
    Ok(out)
}

fn is_facturx_spec(spec: &Dictionary) -> bool {
    let name = |key: &[u8]| spec.get(key).and_then(Object::as_name).ok();
    let file = spec.get(b"F").and_then(Object::as_str).ok();
    file == Some(b"factur-x.xml".as_slice()) && name(b"AFRelationship") == Some(b"Data".as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_properties_join_an_existing_bag_or_bring_their_own() {
        let plain = r#"<x:xmpmeta><rdf:RDF><rdf:Description rdf:about=""/></rdf:RDF></x:xmpmeta>"#;
        let out = augment(plain).unwrap();
        assert_eq!(out.matches("<pdfaExtension:schemas>").count(), 1);
        assert!(out.contains("<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>"));
        assert!(out.ends_with("</rdf:RDF></x:xmpmeta>"));

        let with_bag = format!(
            r#"<rdf:RDF><rdf:Description rdf:about="" {EXT_NS}><pdfaExtension:schemas><rdf:Bag><rdf:li>pdf</rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description></rdf:RDF>"#
        );
        let out = augment(&with_bag).unwrap();
        assert_eq!(out.matches("<pdfaExtension:schemas>").count(), 1);
        assert!(
            out.contains("<rdf:Bag><rdf:li rdf:parseType=\"Resource\"><pdfaSchema:schema>Factur-X")
        );
        assert!(out.contains("<rdf:li>pdf</rdf:li></rdf:Bag>"));

        assert!(augment("<rdf:Description/>").is_err());
    }
}
