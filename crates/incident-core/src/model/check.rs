//! What typed input must hold to before it is recorded: text says something and fits a
//! document, a name (who, an owner, a role and its holder) is a name, a ticket link is one
//! word.

use super::error::{Error, Result};

/// The largest entry text accepted, in bytes. Big enough for a pasted stack trace or log
/// excerpt, small enough that one entry cannot make the document unwieldy.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

/// The longest name accepted for who recorded an entry, an owner or a role holder.
pub const MAX_NAME_BYTES: usize = 256;

/// A person's or a role's name, trimmed: not empty, not a paragraph.
pub fn check_name(name: &str) -> Result<&str> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::EmptyName);
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(Error::NameTooLong {
            len: name.len(),
            limit: MAX_NAME_BYTES,
        });
    }
    Ok(name)
}

const MAX_LINK_BYTES: usize = 2048;

/// A ticket link: one word, no control characters, a sane length. It is shown as a link
/// only when it is an http(s) URL; anything else (`OPS-42`) is shown as text.
pub fn check_link(link: &str) -> Result<String> {
    let link = link.trim();
    if link.is_empty()
        || link.len() > MAX_LINK_BYTES
        || link.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(Error::Invalid(format!(
            "{link:?} is not a link: one word, such as https://tracker.example.com/OPS-42 or OPS-42"
        )));
    }
    Ok(link.to_string())
}

/// Text must say something, and not more than a document should hold.
pub fn check_text(text: &str) -> Result<()> {
    if text.trim().is_empty() {
        return Err(Error::EmptyText);
    }
    if text.len() > MAX_TEXT_BYTES {
        return Err(Error::TextTooLong {
            len: text.len(),
            limit: MAX_TEXT_BYTES,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_trimmed_not_empty_and_not_a_paragraph() {
        assert_eq!(check_name("  Jane Doe ").unwrap(), "Jane Doe");
        assert!(matches!(check_name(" \t"), Err(Error::EmptyName)));
        assert!(check_name(&"x".repeat(MAX_NAME_BYTES)).is_ok());
        assert!(matches!(
            check_name(&"x".repeat(MAX_NAME_BYTES + 1)),
            Err(Error::NameTooLong {
                len: 257,
                limit: MAX_NAME_BYTES
            })
        ));
    }
}
