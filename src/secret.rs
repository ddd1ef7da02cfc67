//! Secrets as the emulator keeps them: SHA-256 digests (client secrets, admin tokens),
//! written as hex in fixtures, compared in constant time. A leaf: the model, sign-in and
//! authentication all use it, and it uses nothing of theirs.

use ring::digest::{digest, SHA256};

pub type Digest = [u8; 32];

pub fn sha256(text: &str) -> Digest {
    let mut out = [0; 32];
    out.copy_from_slice(digest(&SHA256, text.as_bytes()).as_ref());
    out
}

/// 64 lower-case hex digits, as the fixture writes a digest.
pub fn hex(digest: &Digest) -> String {
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// 64 hex digits, either case.
pub fn parse_digest(hex: &str) -> Option<Digest> {
    let hex = hex.trim();
    if hex.len() != 64 {
        return None;
    }
    let mut out = [0; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// Equal digests, without an early exit that would time the first difference (ring's
/// `verify_slices_are_equal` is deprecated, with "no promises regarding side channels").
pub fn same(a: &Digest, b: &Digest) -> bool {
    a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_parse_in_either_case_and_only_whole() {
        let digest = sha256("s");
        let hex = hex(&digest);
        assert_eq!(parse_digest(&hex), Some(digest));
        assert_eq!(parse_digest(&hex.to_uppercase()), Some(digest));
        assert_eq!(parse_digest(&hex[..62]), None);
        assert_eq!(parse_digest(&"zz".repeat(32)), None);
    }
}
