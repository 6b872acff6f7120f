//! The development signing secret: created once in the data folder when no key is configured,
//! so that `serve` and `token` agree without any setup.

use std::{
    fs,
    io::{ErrorKind, Write},
    path::Path,
};

use anyhow::{Context, bail};

use super::jwt::MIN_SECRET_BYTES;

const SECRET_FILE: &str = "jwt-secret";

/// What to do about a secret file that cannot be used, for the messages below.
const REMEDY: &str = "delete the file to have a new one generated (tokens signed with the old \
    one stop working), or set ISO20000_JWT_SECRET";

/// Reads the secret file in `data_dir`, creating it with 256 random bits (mode 0600) if missing.
/// Returns the secret and whether it was just created.
///
/// A file that exists but cannot be used is an error, not replaced: it may be someone's own
/// secret (a copy cut short, an edit), and replacing it would silently invalidate every token
/// signed with it, while signing with a short one would make tokens guessable.
pub fn load_or_create(data_dir: &Path) -> anyhow::Result<(String, bool)> {
    let path = data_dir.join(SECRET_FILE);
    match fs::read_to_string(&path) {
        Ok(existing) => {
            let secret = existing.trim();
            if secret.len() >= MIN_SECRET_BYTES {
                return Ok((secret.to_owned(), false));
            }
            // An empty file never signed anything (its writing was cut short): fill it.
            if !secret.is_empty() {
                bail!(
                    "the signing secret in {} is {} bytes long, shorter than the \
                     {MIN_SECRET_BYTES} bytes it needs: {REMEDY} to at least \
                     {MIN_SECRET_BYTES} random bytes",
                    path.display(),
                    secret.len()
                );
            }
        }
        Err(err) if err.kind() == ErrorKind::NotFound => {}
        Err(err) => {
            return Err(err).with_context(|| {
                format!(
                    "cannot read the signing secret in {}: {REMEDY}",
                    path.display()
                )
            });
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

    #[test]
    fn a_short_or_unreadable_file_is_refused_and_kept() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join(SECRET_FILE);
        fs::write(&path, "too-short\n")?;
        let message = format!("{:#}", load_or_create(dir.path()).unwrap_err());
        assert!(message.contains("9 bytes"), "{message}");
        assert!(message.contains("ISO20000_JWT_SECRET"), "{message}");
        fs::write(&path, [0xff, 0xfe, 0x00])?;
        assert!(load_or_create(dir.path()).is_err());
        assert_eq!(
            fs::read(&path)?,
            [0xff, 0xfe, 0x00],
            "the file is left alone"
        );
        fs::write(&path, "")?;
        let (secret, created) = load_or_create(dir.path())?;
        assert!(created && secret.len() == 64, "an empty file is filled");
        Ok(())
    }
}
