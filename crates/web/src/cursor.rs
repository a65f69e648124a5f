//! Opaque list cursors and the sort/archive query words shared by pages and the API.
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use mesure_store::{ArchiveFilter, Cursor, CursorKey, Sort};

/// `t:<text>|<uuid>` or `i:<int>|<uuid>`, base64url.
pub fn encode(c: &Cursor) -> String {
    let raw = match &c.key {
        CursorKey::Text(s) => format!("t:{}|{s}", c.id),
        CursorKey::Int(i) => format!("i:{}|{i}", c.id),
    };
    URL_SAFE_NO_PAD.encode(raw)
}

/// `None` for anything that is not a cursor this server made.
pub fn decode(s: &str) -> Option<Cursor> {
    let raw = String::from_utf8(URL_SAFE_NO_PAD.decode(s.trim()).ok()?).ok()?;
    let (kind, rest) = raw.split_at_checked(2)?;
    let (id, key) = rest.split_once('|')?;
    let id = uuid::Uuid::parse_str(id).ok()?;
    let key = match kind {
        "t:" => CursorKey::Text(key.to_string()),
        "i:" => CursorKey::Int(key.parse().ok()?),
        _ => return None,
    };
    Some(Cursor { key, id })
}

/// `name`, `-name`, `created`, `-created`.
pub fn parse_sort(s: Option<&str>) -> Option<Sort> {
    match s.map(str::trim).unwrap_or("name") {
        "" | "name" => Some(Sort::NameAsc),
        "-name" => Some(Sort::NameDesc),
        "created" => Some(Sort::CreatedAsc),
        "-created" => Some(Sort::CreatedDesc),
        _ => None,
    }
}

pub fn sort_word(s: Sort) -> &'static str {
    match s {
        Sort::NameAsc => "name",
        Sort::NameDesc => "-name",
        Sort::CreatedAsc => "created",
        Sort::CreatedDesc => "-created",
    }
}

/// `active` (default), `archived`, `all`.
pub fn parse_archive(s: Option<&str>) -> Option<ArchiveFilter> {
    match s.map(str::trim).unwrap_or("active") {
        "" | "active" => Some(ArchiveFilter::Active),
        "archived" => Some(ArchiveFilter::Archived),
        "all" => Some(ArchiveFilter::All),
        _ => None,
    }
}

pub fn archive_word(a: ArchiveFilter) -> &'static str {
    match a {
        ArchiveFilter::Active => "active",
        ArchiveFilter::Archived => "archived",
        ArchiveFilter::All => "all",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        let id = uuid::Uuid::now_v7();
        for key in [CursorKey::Text("dupont | fils".into()), CursorKey::Int(-42)] {
            let c = Cursor { key, id };
            assert_eq!(decode(&encode(&c)), Some(c));
        }
        assert_eq!(decode("garbage"), None);
        assert_eq!(decode(""), None);
    }
}
