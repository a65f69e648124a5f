//! A real IMAP server for the tests: Debian's `dovecot` run in a temporary directory with its own
//! configuration, one user (`desk`/`secret`), a Maildir the test drops messages into, a plain
//! port and an implicit-TLS port whose self-signed certificate (made by `openssl`) the client
//! trusts with `?ca=`.
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Dovecot {
    pub dir: PathBuf,
    pub plain_port: u16,
    pub tls_port: u16,
    child: Child,
    uid: Option<u32>,
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(0)
}

/// The uid and gid of a system user (from `id`).
fn ids_of(user: &str) -> Option<(u32, u32)> {
    let id = |flag: &str| -> Option<u32> {
        let o = Command::new("id").args([flag, user]).output().ok()?;
        String::from_utf8_lossy(&o.stdout).trim().parse().ok()
    };
    Some((id("-u")?, id("-g")?))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

impl Dovecot {
    /// Starts dovecot under `dir`; panics with the reason when it cannot (not installed).
    pub fn start(dir: &Path) -> Dovecot {
        let dir = dir.join("dovecot");
        let run = dir.join("run");
        let mail = dir.join("mail");
        let maildir = mail.join("desk");
        for d in ["cur", "new", "tmp"] {
            std::fs::create_dir_all(maildir.join(d)).unwrap_or_default();
        }
        std::fs::create_dir_all(&run).unwrap_or_default();
        // A test authority (trusted by the client with `?ca=`) and the server's certificate.
        let cert = dir.join("cert.pem");
        let key = dir.join("key.pem");
        let ca = dir.join("ca.pem");
        let ca_key = dir.join("ca-key.pem");
        let ext = dir.join("leaf.ext");
        std::fs::write(
            &ext,
            "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n",
        )
        .unwrap_or_default();
        let steps: [Vec<std::ffi::OsString>; 3] = [
            vec![
                "req".into(),
                "-x509".into(),
                "-newkey".into(),
                "rsa:2048".into(),
                "-nodes".into(),
                "-days".into(),
                "2".into(),
                "-keyout".into(),
                ca_key.clone().into(),
                "-out".into(),
                ca.clone().into(),
                "-subj".into(),
                "/CN=Mesure test CA".into(),
            ],
            vec![
                "req".into(),
                "-newkey".into(),
                "rsa:2048".into(),
                "-nodes".into(),
                "-keyout".into(),
                key.clone().into(),
                "-out".into(),
                dir.join("leaf.csr").into(),
                "-subj".into(),
                "/CN=localhost".into(),
            ],
            vec![
                "x509".into(),
                "-req".into(),
                "-in".into(),
                dir.join("leaf.csr").into(),
                "-CA".into(),
                ca.clone().into(),
                "-CAkey".into(),
                ca_key.clone().into(),
                "-CAcreateserial".into(),
                "-days".into(),
                "2".into(),
                "-extfile".into(),
                ext.clone().into(),
                "-out".into(),
                cert.clone().into(),
            ],
        ];
        for args in steps {
            let made = Command::new("openssl")
                .args(&args)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            assert!(
                made.is_ok_and(|s| s.success()),
                "openssl could not make the test certificates"
            );
        }
        // As root, dovecot's processes run as its own users: the mail belongs to `dovecot`.
        let (users, uid) = if is_root() {
            let (uid, gid) = ids_of("dovecot").unwrap_or((0, 0));
            for p in [&mail, &maildir] {
                let _ = std::os::unix::fs::chown(p, Some(uid), Some(gid));
            }
            for d in ["cur", "new", "tmp"] {
                let _ = std::os::unix::fs::chown(maildir.join(d), Some(uid), Some(gid));
            }
            (
                "default_internal_user = dovecot\ndefault_internal_group = dovecot\ndefault_login_user = dovenull\nuserdb {\n  driver = static\n  args = uid=dovecot gid=dovecot home=MAIL/%u\n}\n".to_string(),
                Some(uid),
            )
        } else {
            let me = std::env::var("USER").unwrap_or_default();
            (
                format!(
                    "default_internal_user = {me}\ndefault_login_user = {me}\nuserdb {{\n  driver = static\n  args = home=MAIL/%u\n}}\n"
                ),
                None,
            )
        };
        let plain_port = free_port();
        let tls_port = free_port();
        let conf = format!(
            "protocols = imap\nlisten = 127.0.0.1\nbase_dir = {run}\nstate_dir = {run}/state\nlog_path = {dir}/dovecot.log\n\
             ssl = yes\nssl_cert = <{cert}\nssl_key = <{key}\ndisable_plaintext_auth = no\nauth_mechanisms = plain login\n\
             mail_location = maildir:{mail}/%u\nfirst_valid_uid = 0\n{users}passdb {{\n  driver = static\n  args = password=secret\n}}\n\
             service imap-login {{\n  chroot =\n  inet_listener imap {{\n    port = {plain_port}\n  }}\n  inet_listener imaps {{\n    port = {tls_port}\n    ssl = yes\n  }}\n}}\n\
             service anvil {{\n  chroot =\n}}\n",
            run = run.display(),
            dir = dir.display(),
            cert = cert.display(),
            key = key.display(),
            mail = mail.display(),
            users = users.replace("MAIL", &mail.display().to_string()),
        );
        let conf_path = dir.join("dovecot.conf");
        std::fs::write(&conf_path, conf).unwrap_or_default();
        let child = Command::new("dovecot")
            .arg("-F")
            .arg("-c")
            .arg(&conf_path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("dovecot could not start ({e}); install Debian's dovecot-imapd")
            });
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", tls_port)).is_err()
            || std::net::TcpStream::connect(("127.0.0.1", plain_port)).is_err()
        {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "dovecot did not listen: {}",
                std::fs::read_to_string(dir.join("dovecot.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Dovecot {
            dir,
            plain_port,
            tls_port,
            child,
            uid,
        }
    }

    /// The mailbox URL over implicit TLS, trusting the test certificate.
    pub fn tls_url(&self) -> String {
        format!(
            "imaps://desk:secret@localhost:{}/INBOX?ca={}",
            self.tls_port,
            self.dir.join("ca.pem").display()
        )
    }

    /// The mailbox URL over a plain connection.
    pub fn plain_url(&self) -> String {
        format!(
            "imap://desk:secret@127.0.0.1:{}/INBOX?tls=none",
            self.plain_port
        )
    }

    fn maildir(&self) -> PathBuf {
        self.dir.join("mail").join("desk")
    }

    /// Delivers a message into the inbox (as an MTA's local delivery would).
    pub fn deliver(&self, name: &str, raw: &[u8]) {
        let tmp = self.maildir().join("tmp").join(name);
        let new = self.maildir().join("new").join(name);
        std::fs::write(&tmp, raw).unwrap_or_default();
        if let Some(uid) = self.uid {
            let _ = std::os::unix::fs::chown(&tmp, Some(uid), None);
        }
        std::fs::rename(&tmp, &new).unwrap_or_default();
    }

    /// Messages still in the inbox (new and seen, not expunged).
    pub fn count(&self) -> usize {
        ["new", "cur"]
            .iter()
            .map(|d| {
                std::fs::read_dir(self.maildir().join(d))
                    .map(|r| r.count())
                    .unwrap_or(0)
            })
            .sum()
    }
}
