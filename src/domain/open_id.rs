//! QQ openids travel as `String`: they come only from QQ's own server answers, which
//! `qq::wire` already checks (its id rule), and the database compares them exactly. There is
//! deliberately no parsing type here: a second, stricter rule would refuse real users whose
//! openid QQ shapes differently.

/// `D5A3…E0B2`: enough to tell stored openids apart in a list and an audit entry, not enough to
/// be the identifier. Very short values are starred out whole.
pub fn mask(openid: &str) -> String {
    let chars: Vec<char> = openid.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_openids_are_masked() {
        assert_eq!(mask("D5A3C1B9E7F2A4C6E8B0D2F4A6C8E0B2"), "D5A3…E0B2");
        assert_eq!(mask("SHORT"), "*****");
    }
}
