//! A PostgreSQL server of one test's own, for drills that stop the whole server (issue 9:
//! "PostgreSQL restarted while calls run"). The machine's shared server cannot be stopped under
//! the other tests. Made with the machine's own `initdb` and `pg_ctl` (Debian's, under
//! `/usr/lib/postgresql/<version>/bin`), listening on a free port of 127.0.0.1 only, trust auth.
//! `initdb` refuses to run as root, so a root test runs the instance as the `postgres` user.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct PrivatePostgres {
    data: PathBuf,
    bin: PathBuf,
    pub port: u16,
}

impl PrivatePostgres {
    /// A new cluster, started.
    pub fn start() -> PrivatePostgres {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .expect("PostgreSQL's programs under /usr/lib/postgresql")
            .filter_map(|entry| entry.ok().map(|entry| entry.path().join("bin")))
            .filter(|bin| bin.join("initdb").exists())
            .max_by_key(|bin| version_of(bin))
            .expect("an initdb under /usr/lib/postgresql/*/bin");
        // Not created here: initdb makes it, owned by whoever runs the server.
        let data = std::env::temp_dir().join(format!("callcard-pg-{}", uuid::Uuid::new_v4()));
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let instance = PrivatePostgres { data, bin, port };
        instance.run(
            "initdb",
            &[
                "-D",
                path(&instance.data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        );
        instance.start_again();
        instance
    }

    /// The URL of `database` on this server.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// Stops the server at once, as a crash or a power cut would: no shutdown checkpoint,
    /// every connection cut; the next start replays the write-ahead log.
    pub fn crash(&self) {
        self.run(
            "pg_ctl",
            &["stop", "-D", path(&self.data), "-m", "immediate", "-w"],
        );
    }

    /// Starts the server (again), and waits until it takes connections.
    pub fn start_again(&self) {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories={}",
            self.port,
            path(&self.data)
        );
        let log = self.data.join("server.log");
        self.run(
            "pg_ctl",
            &[
                "start",
                "-D",
                path(&self.data),
                "-w",
                "-l",
                path(&log),
                "-o",
                &options,
            ],
        );
    }

    /// The server's own log, for a failing test's message.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.data.join("server.log")).unwrap_or_default()
    }

    /// One of the server's programs, as the user the server runs as.
    fn command(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        let running_as_root = std::fs::metadata("/proc/self").is_ok_and(|me| me.uid() == 0);
        if running_as_root {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        }
    }

    fn run(&self, program: &str, args: &[&str]) {
        let output = self
            .command(program)
            .args(args)
            .output()
            .unwrap_or_else(|error| panic!("{program} cannot run: {error}"));
        assert!(
            output.status.success(),
            "{program} {args:?} failed:\n{}{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
            self.log()
        );
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .args(["stop", "-D", path(&self.data), "-m", "immediate"])
            .output();
        let _ = std::fs::remove_dir_all(&self.data);
    }
}

fn path(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

/// `/usr/lib/postgresql/15/bin` → 15.
fn version_of(bin: &Path) -> u32 {
    bin.parent()
        .and_then(Path::file_name)
        .and_then(|name| name.to_str())
        .and_then(|name| name.parse().ok())
        .unwrap_or(0)
}
