//! The SIP the load examples' own user agents speak on loopback: reading a header, and
//! answering a request (RFC 3261 §8.2.6), enough for a trunk that answers or refuses.

/// The first value of `name` in a SIP message.
pub fn header(message: &str, name: &str) -> Option<String> {
    message.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim()
            .eq_ignore_ascii_case(name)
            .then(|| value.trim().to_owned())
    })
}

/// A response to `request` (RFC 3261 §8.2.6: its Vias, From, To with a tag, Call-ID, CSeq),
/// with a Contact at 127.0.0.1:`sip_port` and, if given, an SDP body.
pub fn response(request: &str, status: &str, sip_port: u16, sdp: Option<&str>) -> String {
    let mut text = format!("SIP/2.0 {status}\r\n");
    for line in request.lines() {
        let Some((key, _)) = line.split_once(':') else {
            continue;
        };
        match key.trim().to_ascii_lowercase().as_str() {
            "via" | "v" | "from" | "f" | "call-id" | "i" | "cseq" => {
                text.push_str(line.trim_end());
                text.push_str("\r\n");
            }
            "to" | "t" if !line.contains(";tag=") => {
                text.push_str(line.trim_end());
                text.push_str(";tag=load\r\n");
            }
            "to" | "t" => {
                text.push_str(line.trim_end());
                text.push_str("\r\n");
            }
            _ => {}
        }
    }
    text.push_str(&format!("Contact: <sip:phone@127.0.0.1:{sip_port}>\r\n"));
    match sdp {
        Some(sdp) => text.push_str(&format!(
            "Content-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{sdp}",
            sdp.len()
        )),
        None => text.push_str("Content-Length: 0\r\n\r\n"),
    }
    text
}
