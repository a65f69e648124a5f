//! Tamper evidence for issued documents: each stores the SHA-256 of its canonical content chained
//! to the previous document's hash (per workspace, invoices and credit notes in one chain, in
//! issue order), so that changing, removing or reordering any issued document breaks every hash
//! after it. `mesure check --invoices` walks the chain with [`verify`].
use sha2::{Digest, Sha256};

/// The "previous hash" of a workspace's first document.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A document's canonical content: its fields in a fixed order as `name=value` lines, where a
/// value's `\` and line breaks are escaped, so that two different documents never write the same
/// text and the same document always does (whatever the engine, the locale or the version).
pub fn canonical<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = String::new();
    for (name, value) in fields {
        out.push_str(name);
        out.push('=');
        for c in value.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                c => out.push(c),
            }
        }
        out.push('\n');
    }
    out
}

/// The hash of a document whose canonical content is `content`, after the document whose hash is
/// `previous`: lowercase hex of SHA-256(`previous` `\n` `content`).
pub fn link(previous: &str, content: &str) -> String {
    let mut h = Sha256::new();
    h.update(previous.as_bytes());
    h.update(b"\n");
    h.update(content.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks a chain given in issue order as (canonical content, stored hash): the index of the
/// first document whose stored hash is not the link of its content to the previous stored hash.
pub fn verify<'a>(docs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<usize, usize> {
    let mut previous = GENESIS.to_string();
    let mut n = 0;
    for (i, (content, stored)) in docs.into_iter().enumerate() {
        if link(&previous, content) != stored {
            return Err(i);
        }
        previous = stored.to_string();
        n = i + 1;
    }
    Ok(n)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_or_missing_document_breaks_the_chain_from_there() {
        // SHA-256 of "0…0\nnumber=F2026-0001\n", computed independently (sha256sum).
        let first = canonical([("number", "F2026-0001")]);
        assert_eq!(first, "number=F2026-0001\n");
        assert_eq!(
            link(GENESIS, &first),
            "e53895845c9bfb75ce77a85ae356677989bd9eb20869113657c4f73212500873"
        );
        let docs: Vec<String> = (1..=5)
            .map(|n| canonical([("number", format!("F2026-{n:04}").as_str()), ("net", "100")]))
            .collect();
        let mut hashes = Vec::new();
        let mut prev = GENESIS.to_string();
        for d in &docs {
            prev = link(&prev, d);
            hashes.push(prev.clone());
        }
        let chain = |docs: &[String], hashes: &[String]| {
            verify(
                docs.iter()
                    .zip(hashes)
                    .map(|(d, h)| (d.as_str(), h.as_str())),
            )
        };
        assert_eq!(chain(&docs, &hashes), Ok(5));
        // An amount changed in the third document.
        let mut changed = docs.clone();
        changed[2] = changed[2].replace("net=100", "net=90");
        assert_eq!(chain(&changed, &hashes), Err(2));
        // The second document removed.
        let (mut d, mut h) = (docs.clone(), hashes.clone());
        d.remove(1);
        h.remove(1);
        assert_eq!(chain(&d, &h), Err(1));
        // Two documents swapped.
        let (mut d, mut h) = (docs.clone(), hashes.clone());
        d.swap(3, 4);
        h.swap(3, 4);
        assert_eq!(chain(&d, &h), Err(3));
        // Escaping keeps distinct documents distinct.
        assert_ne!(
            canonical([("a", "x\nb=y")]),
            canonical([("a", "x"), ("b", "y")])
        );
        assert_eq!(canonical([("a", "1\\2\r")]), "a=1\\\\2\\r\n");
    }
}
