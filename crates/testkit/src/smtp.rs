//! A real SMTP server for the tests: Python's aiosmtpd writing every message it receives into a
//! maildir (the child is waited for when the server is dropped).
#![allow(clippy::zombie_processes)]
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Python with aiosmtpd: `MESURE_TEST_PYTHON`, else the repository's `.venv`, else `python3`.
pub fn python() -> PathBuf {
    if let Ok(p) = std::env::var("MESURE_TEST_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python");
    if venv.exists() {
        venv
    } else {
        PathBuf::from("python3")
    }
}

/// A real SMTP server writing every message it receives into a maildir.
pub struct Smtp {
    child: Child,
    pub port: u16,
    pub maildir: PathBuf,
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(0)
}

pub async fn start_smtp(dir: &Path) -> Smtp {
    let port = free_port();
    let maildir = dir.join("maildir");
    let child = Command::new(python())
        .args([
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            &format!("127.0.0.1:{port}"),
            "-c",
            "aiosmtpd.handlers.Mailbox",
        ])
        .arg(&maildir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("python with aiosmtpd (run scripts/test.sh, or set MESURE_TEST_PYTHON): {e}")
        });
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Smtp {
                child,
                port,
                maildir,
            };
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("aiosmtpd did not start on port {port}; is it installed? (scripts/test.sh installs it)");
}
