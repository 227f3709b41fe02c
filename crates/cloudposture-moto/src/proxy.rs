//! A proxy in front of moto for what moto cannot do itself: refuse `sts:AssumeRole`
//! into some accounts, as STS refuses a role that does not trust the caller.

use super::MotoServer;

impl MotoServer {
    /// A proxy in front of moto that refuses `sts:AssumeRole` of any role in `refused`
    /// (403 AccessDenied, as STS answers) and passes every other request through; returns
    /// its endpoint URL.
    ///
    /// # Panics
    ///
    /// When no loopback port can be bound.
    pub fn refusing_assume_role_proxy(&self, refused: &str) -> String {
        use std::io::{BufRead, BufReader, Read, Write};

        let listener = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap_or_else(|e| panic!("cannot bind a loopback port for the proxy: {e}"));
        let url = match listener.local_addr() {
            Ok(address) => format!("http://{address}"),
            Err(e) => panic!("the proxy's listener has no address: {e}"),
        };
        let upstream = format!("127.0.0.1:{}", self.port());
        let refused_arn = format!("RoleArn=arn%3Aaws%3Aiam%3A%3A{refused}%3Arole");
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (upstream, refused_arn) = (upstream.clone(), refused_arn.clone());
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream);
                    let mut head = String::new();
                    let mut length = 0;
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                            length = v.trim().parse().unwrap_or(0);
                        }
                        head.push_str(&line);
                        if line == "\r\n" {
                            break;
                        }
                    }
                    let mut body = vec![0; length];
                    if reader.read_exact(&mut body).is_err() {
                        return;
                    }
                    let mut client = reader.into_inner();
                    let form = String::from_utf8_lossy(&body);
                    if form.contains("Action=AssumeRole") && form.contains(&refused_arn) {
                        let xml = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>\
                            <Type>Sender</Type><Code>AccessDenied</Code><Message>User: \
                            arn:aws:iam::123456789012:user/auditor is not authorized to perform: \
                            sts:AssumeRole</Message></Error><RequestId>r-1</RequestId></ErrorResponse>";
                        let _ = write!(
                            client,
                            "HTTP/1.1 403 Forbidden\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\
                             Connection: close\r\n\r\n{xml}",
                            xml.len()
                        );
                        return;
                    }
                    let Ok(mut server) = std::net::TcpStream::connect(&upstream) else {
                        return;
                    };
                    let _ = server.write_all(head.as_bytes());
                    let _ = server.write_all(&body);
                    // moto answers `Connection: close`: its answer ends when it closes.
                    let mut answer = Vec::new();
                    let _ = server.read_to_end(&mut answer);
                    let _ = client.write_all(&answer);
                });
            }
        });
        url
    }
}
