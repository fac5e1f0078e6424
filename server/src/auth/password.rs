//! Password hashing with Argon2id (BRIEF R1: a memory-hard hash), PHC strings in the database.
//!
//! Each hash works in 19 MiB. Allocated anew for every hash, that memory piled up in the
//! allocator under a flood of sign-ups and log-ins (840 MB resident after 15 s of
//! `hostile_load`); it is kept per thread instead (the hashing pool's few threads), so the
//! process holds one buffer a thread however many passwords it checks.

use std::cell::RefCell;

use argon2::password_hash::{Output, ParamsString, PasswordHash, PasswordVerifier, SaltString};
use argon2::{ARGON2ID_IDENT, Algorithm, Argon2, Block, Params, Version};

/// OWASP's Argon2id minimum (19 MiB, 2 passes, 1 lane): about 20 ms a hash on this class of box.
fn params() -> Params {
    Params::new(19 * 1024, 2, 1, None).expect("static Argon2 parameters are valid")
}

fn hasher() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params())
}

thread_local! {
    /// The memory this thread's hashes work in, allocated once.
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Argon2id with our parameters over `salt`, into `out`, in this thread's kept memory.
fn argon2id(password: &[u8], salt: &[u8], out: &mut [u8]) -> Result<(), argon2::Error> {
    let blocks = params().block_count();
    MEMORY.with(|memory| {
        let mut memory = memory.borrow_mut();
        memory.resize(blocks, Block::default());
        hasher().hash_password_into_with_memory(password, salt, out, &mut memory[..])
    })
}

pub fn hash(password: &str) -> String {
    let salt = SaltString::from_b64(&random_salt()).expect("16 random bytes make a valid salt");
    let mut salt_bytes = [0u8; 64];
    let raw_salt = salt
        .as_salt()
        .decode_b64(&mut salt_bytes)
        .expect("a salt we encoded decodes");
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    argon2id(password.as_bytes(), raw_salt, &mut out)
        .expect("hashing with valid parameters cannot fail");
    PasswordHash {
        algorithm: ARGON2ID_IDENT,
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params()).expect("static parameters encode"),
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).expect("32 bytes are a valid output")),
    }
    .to_string()
}

/// False for a wrong password and for a stored hash that cannot be parsed.
pub fn verify(password: &str, stored_hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored_hash) else {
        return false;
    };
    let ours = parsed.algorithm == ARGON2ID_IDENT
        && parsed.version == Some(Version::V0x13.into())
        && Params::try_from(&parsed).is_ok_and(|stored| {
            // The costs only: the parsed form also carries the output's length.
            let ours = params();
            (stored.m_cost(), stored.t_cost(), stored.p_cost())
                == (ours.m_cost(), ours.t_cost(), ours.p_cost())
        });
    let (Some(salt), Some(expected), true) = (parsed.salt, parsed.hash, ours) else {
        // Other parameters (an older hash): the library's own path, which allocates.
        return hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(raw_salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    argon2id(password.as_bytes(), raw_salt, &mut out).is_ok()
        // `Output`'s equality takes the same time wherever the bytes differ.
        && Output::new(&out).is_ok_and(|computed| computed == expected)
}

/// A hash of nothing anyone knows, verified against when an e-mail is unknown so that a failed
/// log-in takes as long whether or not the account exists.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash(&random_salt()))
}

fn random_salt() -> String {
    use base64::Engine;
    let bytes: [u8; 16] = rand::random();
    base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_argon2id_and_verifies_only_the_right_password() {
        let stored = hash("correct horse battery");
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert!(verify("correct horse battery", &stored));
        assert!(!verify("correct horse battery!", &stored));
    }

    #[test]
    fn hashes_agree_with_the_librarys_own_in_both_directions() {
        use argon2::password_hash::PasswordHasher;
        // Stored by the library (as every hash before this change was): verified here.
        let salt = SaltString::from_b64(&random_salt()).unwrap();
        let by_library = hasher()
            .hash_password(b"old account", &salt)
            .unwrap()
            .to_string();
        assert!(verify("old account", &by_library));
        assert!(!verify("old account?", &by_library));
        // Stored here: verified by the library.
        let ours = hash("new account");
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(hasher().verify_password(b"new account", &parsed).is_ok());
    }

    #[test]
    fn our_own_hashes_are_verified_in_the_kept_memory() {
        // A verification that fell back to the library's path would allocate 19 MiB anew:
        // that is what piled up in the allocator under a flood of log-ins.
        let stored = hash("kept");
        let parsed = PasswordHash::new(&stored).unwrap();
        let costs = Params::try_from(&parsed).unwrap();
        assert_eq!(
            (costs.m_cost(), costs.t_cost(), costs.p_cost()),
            (params().m_cost(), params().t_cost(), params().p_cost())
        );
        MEMORY.with(|memory| memory.borrow_mut().clear());
        assert!(verify("kept", &stored));
        let kept = MEMORY.with(|memory| memory.borrow().len());
        assert_eq!(
            kept,
            params().block_count(),
            "verified in this thread's memory"
        );
    }

    #[test]
    fn a_hash_with_other_parameters_still_verifies() {
        use argon2::password_hash::PasswordHasher;
        let cheaper = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8 * 1024, 1, 1, None).unwrap(),
        );
        let salt = SaltString::from_b64(&random_salt()).unwrap();
        let stored = cheaper
            .hash_password(b"from before", &salt)
            .unwrap()
            .to_string();
        assert!(verify("from before", &stored));
        assert!(!verify("from after", &stored));
    }

    #[test]
    fn same_password_gets_different_salts() {
        assert_ne!(hash("same password"), hash("same password"));
    }

    #[test]
    fn garbage_hash_never_verifies() {
        assert!(!verify("anything", "not a phc string"));
        assert!(!verify("", decoy_hash()));
    }
}
