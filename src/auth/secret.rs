//! The development signing secret: created once in the data folder when no key is configured,
//! so that `serve` and `token` agree without any setup.

use std::{fs, io::Write, path::Path};

use anyhow::Context;

const SECRET_FILE: &str = "jwt-secret";

/// Reads the secret file in `data_dir`, creating it with 256 random bits (mode 0600) if missing.
/// Returns the secret and whether it was just created.
pub fn load_or_create(data_dir: &Path) -> anyhow::Result<(String, bool)> {
    let path = data_dir.join(SECRET_FILE);
    if let Ok(existing) = fs::read_to_string(&path) {
        let secret = existing.trim().to_owned();
        if !secret.is_empty() {
            return Ok((secret, false));
        }
    }
    fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create the data folder {}", data_dir.display()))?;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no system randomness: {e}"))?;
    let secret = hex::encode(bytes);
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(&path)
        .with_context(|| format!("cannot write the signing secret to {}", path.display()))?;
    file.write_all(secret.as_bytes())?;
    Ok((secret, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_is_created_once_and_private() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let (first, created) = load_or_create(dir.path())?;
        assert!(created);
        assert_eq!(first.len(), 64);
        let (second, created_again) = load_or_create(dir.path())?;
        assert!(!created_again);
        assert_eq!(first, second);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.path().join(SECRET_FILE))?
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        Ok(())
    }
}
