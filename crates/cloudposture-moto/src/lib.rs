//! Test support for cloudposture: starts [moto]'s server (an AWS API emulator) on a free
//! loopback port and seeds it with VPCs, subnets, network interfaces, flow logs, S3
//! buckets and CloudWatch Logs log groups.
//!
//! The server binary is `$CLOUDPOSTURE_MOTO_SERVER`, else `moto_server` on `PATH`
//! (`pip install 'moto[server]'`; the repository's `scripts/test` installs it). A missing
//! binary is a panic with instructions, never a silently skipped test.
//!
//! ```no_run
//! # async fn example() {
//! use cloudposture_moto::MotoServer;
//!
//! // One server per test binary; tests isolate themselves by region (or `reset`).
//! let moto = MotoServer::shared();
//! let vpc = moto.create_vpc("eu-west-3", "10.0.0.0/16", &[("Name", "prod")]).await;
//! moto.create_bucket("flow-logs-bucket").await;
//! moto.create_flow_log_s3("eu-west-3", &vpc, "VPC", "flow-logs-bucket", "ALL").await;
//! // Point the code under test at `moto.endpoint_url()` with dummy credentials
//! // (`AWS_ACCESS_KEY_ID=testing`, `AWS_SECRET_ACCESS_KEY=testing`).
//! # }
//! ```
//!
//! Known differences from AWS (moto 5.2): no pagination (every listing is one page), every
//! region gets a default VPC on first use, a CloudWatch Logs flow log to a missing log
//! group is created with `DeliverLogsStatus=FAILED`, and `LogDestination` is empty for
//! CloudWatch Logs flow logs.
//!
//! [moto]: https://docs.getmoto.org/

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use aws_sdk_ec2::config::{BehaviorVersion, Credentials, Region};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

mod organization;
mod proxy;
mod seed;

/// Environment variable naming the `moto_server` binary to run.
pub const MOTO_SERVER_ENV: &str = "CLOUDPOSTURE_MOTO_SERVER";

/// The account id moto answers with (GetCallerIdentity, resource owners).
pub const ACCOUNT_ID: &str = "123456789012";

/// Access key id and secret key of the dummy credentials moto accepts.
pub const DUMMY_CREDENTIAL: &str = "testing";

/// AWS variables of the caller's environment that would redirect a child process
/// configured with [`MotoServer::env`] (profiles, session tokens, web identity, endpoints).
pub const AWS_ENV_TO_REMOVE: &[&str] = &[
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_ENDPOINT_URL_EC2",
    "AWS_ENDPOINT_URL_STS",
    "AWS_MAX_ATTEMPTS",
    "AWS_RETRY_MODE",
];

/// How long [`MotoServer::start`] waits for the server to answer.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A running moto server on `127.0.0.1`, stopped when dropped.
///
/// The process is also stopped when the test process exits without dropping it (as with
/// [`MotoServer::shared`]): a watcher ends it when the pipe to its standard input closes.
#[derive(Debug)]
pub struct MotoServer {
    port: u16,
    child: Mutex<Child>,
    stdin: Mutex<Option<ChildStdin>>,
}

impl MotoServer {
    /// Starts `moto_server -H 127.0.0.1 -p 0` (binary from `$CLOUDPOSTURE_MOTO_SERVER`,
    /// else `moto_server` on `PATH`), reads its port from the ` * Running on
    /// http://127.0.0.1:PORT` line it prints on stderr and waits until `GET /moto-api/`
    /// answers 200 (about a second).
    ///
    /// # Panics
    ///
    /// When the binary is missing (`moto_server not found: run scripts/test or pip install
    /// 'moto[server]'`), exits early, or does not answer within a minute.
    pub fn start() -> MotoServer {
        let binary = std::env::var(MOTO_SERVER_ENV)
            .ok()
            .filter(|b| !b.is_empty())
            .unwrap_or_else(|| "moto_server".to_string());
        MotoServer::start_with(&binary)
    }

    /// Like [`MotoServer::start`], with the `moto_server` binary given: a path, or a name
    /// looked up on `PATH`.
    ///
    /// # Panics
    ///
    /// As [`MotoServer::start`].
    pub fn start_with(binary: &str) -> MotoServer {
        if !binary_exists(binary) {
            panic!(
                "moto_server not found: run scripts/test or pip install 'moto[server]' \
                 (looked for `{binary}`; set {MOTO_SERVER_ENV} to its path)"
            );
        }
        // The shell runs moto in the background and a watcher that kills it when our end of
        // its standard input closes: on drop, and also when this process dies without
        // dropping (a `static` server). `exec 3<&0` keeps stdin for the watcher, because
        // background jobs of a non-interactive shell otherwise read from /dev/null.
        let script =
            r#"exec 3<&0; "$0" "$@" & pid=$!; (cat <&3 >/dev/null; kill $pid 2>/dev/null) & wait $pid"#;
        let mut child = Command::new("sh")
            .args(["-c", script, binary, "-H", "127.0.0.1", "-p", "0"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start `{binary}`: {e}"));
        let stdin = child.stdin.take();
        let Some(stderr) = child.stderr.take() else {
            panic!("could not read the output of `{binary}`");
        };

        // Read stderr on a thread for the whole life of the server: moto logs every request
        // there and would block once the pipe is full.
        let (port_tx, port_rx) = std::sync::mpsc::channel::<Result<u16, String>>();
        std::thread::spawn(move || {
            let mut port_tx = Some(port_tx);
            let mut seen = String::new();
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(tx) = &port_tx {
                    if let Some(port) = running_port(&line) {
                        let _ = tx.send(Ok(port));
                        port_tx = None;
                    } else if seen.len() < 8192 {
                        seen.push_str(&line);
                        seen.push('\n');
                    }
                }
            }
            if let Some(tx) = port_tx {
                let _ = tx.send(Err(seen));
            }
        });
        let port = match port_rx.recv_timeout(START_TIMEOUT) {
            Ok(Ok(port)) => port,
            Ok(Err(output)) => {
                let _ = child.kill();
                panic!("`{binary}` exited before it listened; its output:\n{output}")
            }
            Err(_) => {
                let _ = child.kill();
                panic!("`{binary}` did not say which port it listens on within {START_TIMEOUT:?}")
            }
        };

        let server = MotoServer {
            port,
            child: Mutex::new(child),
            stdin: Mutex::new(stdin),
        };
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            match server.http("GET", "/moto-api/", &[], b"") {
                Ok((200, _)) => break,
                _ if Instant::now() > deadline => {
                    panic!("moto on port {port} did not answer `GET /moto-api/` within {START_TIMEOUT:?}")
                }
                _ => std::thread::sleep(Duration::from_millis(50)),
            }
        }
        server
    }

    /// One server for the whole test binary, started on first use and stopped when the
    /// process exits. Tests sharing it should use distinct regions (or bucket names) rather
    /// than [`MotoServer::reset`], which would wipe what concurrent tests created.
    pub fn shared() -> &'static MotoServer {
        static SHARED: OnceLock<MotoServer> = OnceLock::new();
        SHARED.get_or_init(MotoServer::start)
    }

    /// `http://127.0.0.1:PORT`, for `--endpoint-url`, `AWS_ENDPOINT_URL` or the SDK.
    pub fn endpoint_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Deletes everything in every service and region (`POST /moto-api/reset`).
    ///
    /// # Panics
    ///
    /// When the server does not answer 200.
    pub fn reset(&self) {
        match self.http("POST", "/moto-api/reset", &[], b"") {
            Ok((200, _)) => {}
            Ok((status, body)) => panic!("moto reset answered {status}: {body}"),
            Err(e) => panic!("moto reset failed: {e}"),
        }
    }

    /// Environment for a child process (e.g. the `cloudposture` binary under `assert_cmd`)
    /// that should talk to this server and nothing else: its endpoint, the dummy
    /// credentials, `us-east-1` as region (`AWS_REGION` and, for boto3, `AWS_DEFAULT_REGION`), instance metadata (IMDS) disabled and no
    /// configuration or credentials files read. Remove [`AWS_ENV_TO_REMOVE`] as well, so
    /// that nothing from the developer's own AWS set-up leaks in.
    ///
    /// ```no_run
    /// # fn example(command: &mut std::process::Command) {
    /// let moto = cloudposture_moto::MotoServer::shared();
    /// for name in cloudposture_moto::AWS_ENV_TO_REMOVE {
    ///     command.env_remove(name);
    /// }
    /// command.envs(moto.env());
    /// # }
    /// ```
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.endpoint_url()),
            ("AWS_ACCESS_KEY_ID", DUMMY_CREDENTIAL.to_string()),
            ("AWS_SECRET_ACCESS_KEY", DUMMY_CREDENTIAL.to_string()),
            ("AWS_REGION", "us-east-1".to_string()),
            ("AWS_DEFAULT_REGION", "us-east-1".to_string()),
            ("AWS_EC2_METADATA_DISABLED", "true".to_string()),
            ("AWS_CONFIG_FILE", "/dev/null".to_string()),
            ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null".to_string()),
        ]
    }

    /// An SDK configuration for the server: `region`, the dummy credentials
    /// `testing`/`testing` and the server's endpoint; everything else (retries, timeouts)
    /// as `aws-config` defaults it. For code under test that takes an `SdkConfig`.
    pub async fn sdk_config(&self, region: &str) -> aws_config::SdkConfig {
        aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(region.to_string()))
            .credentials_provider(dummy_credentials())
            .endpoint_url(self.endpoint_url())
            .load()
            .await
    }

    /// An EC2 client of `region` on the server, with the dummy credentials `testing`/`testing`.
    pub fn ec2_client(&self, region: &str) -> aws_sdk_ec2::Client {
        let config = aws_sdk_ec2::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(region.to_string()))
            .credentials_provider(dummy_credentials())
            .endpoint_url(self.endpoint_url())
            .build();
        aws_sdk_ec2::Client::from_conf(config)
    }

    /// One plain HTTP/1.1 request to the server (moto closes every connection after its
    /// answer, so the answer is read to the end of the stream).
    fn http(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, String)],
        body: &[u8],
    ) -> std::io::Result<(u16, String)> {
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        stream.write_all(&self.request_bytes(method, path, headers, body))?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer)?;
        parse_answer(&answer)
    }

    async fn http_async(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, String)],
        body: &[u8],
    ) -> (u16, String) {
        let request = self.request_bytes(method, path, headers, body);
        let result: std::io::Result<(u16, String)> = async {
            let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await?;
            stream.write_all(&request).await?;
            let mut answer = Vec::new();
            stream.read_to_end(&mut answer).await?;
            parse_answer(&answer)
        }
        .await;
        result.unwrap_or_else(|e| panic!("`{method} {path}` to moto failed: {e}"))
    }

    fn request_bytes(&self, method: &str, path: &str, headers: &[(&str, String)], body: &[u8]) -> Vec<u8> {
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nhost: 127.0.0.1:{}\r\nconnection: close\r\ncontent-length: {}\r\n",
            self.port,
            body.len()
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(body);
        bytes
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        // Closing stdin makes the watcher kill moto; the shell then exits.
        drop(self.stdin.lock().unwrap_or_else(PoisonError::into_inner).take());
        let child = self.child.get_mut().unwrap_or_else(PoisonError::into_inner);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
}

fn dummy_credentials() -> Credentials {
    Credentials::new(
        DUMMY_CREDENTIAL,
        DUMMY_CREDENTIAL,
        None,
        None,
        "cloudposture-moto",
    )
}

/// moto picks the service and region of a request from the credential scope of its
/// `Authorization` header and does not check the signature.
fn auth_header(region: &str, service: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential={DUMMY_CREDENTIAL}/20240101/{region}/{service}/aws4_request, \
         SignedHeaders=host, Signature=0"
    )
}

fn error_text<E: std::error::Error + 'static>(e: &E) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// The port of werkzeug's ` * Running on http://127.0.0.1:PORT` line.
fn running_port(line: &str) -> Option<u16> {
    let rest = line.split("Running on http://127.0.0.1:").nth(1)?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

fn parse_answer(answer: &[u8]) -> std::io::Result<(u16, String)> {
    let text = String::from_utf8_lossy(answer);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("not an HTTP answer: {text:.200}")))?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}

fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn binary_exists(binary: &str) -> bool {
    if binary.contains('/') {
        return std::path::Path::new(binary).is_file();
    }
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(binary).is_file()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_is_read_from_the_running_line() {
        assert_eq!(running_port(" * Running on http://127.0.0.1:43123"), Some(43123));
        assert_eq!(
            running_port(" * Running on http://127.0.0.1:5000 (Press CTRL+C to quit)"),
            Some(5000)
        );
        assert_eq!(running_port("WARNING: This is a development server."), None);
    }

    #[test]
    fn answers_are_parsed() {
        let (status, body) = parse_answer(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}").unwrap();
        assert_eq!((status, body.as_str()), (200, "{}"));
        assert!(parse_answer(b"garbage").is_err());
    }

    #[test]
    fn a_missing_binary_panics_with_instructions() {
        let panic =
            std::panic::catch_unwind(|| MotoServer::start_with("/nonexistent/moto_server")).unwrap_err();
        let message = panic.downcast_ref::<String>().unwrap();
        assert!(
            message.starts_with("moto_server not found: run scripts/test or pip install 'moto[server]'"),
            "{message}"
        );
        assert!(message.contains("/nonexistent/moto_server"), "{message}");
    }

    #[test]
    fn json_strings_are_escaped() {
        assert_eq!(json_string("a\"b\\c\n"), r#""a\"b\\c\u000a""#);
    }
}
