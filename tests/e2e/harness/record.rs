//! Requests as moto's recorder (or the error server) saw them.

use super::*;

/// One request as moto's recorder (or [`ErrorServer`]) saw it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Full URL (moto recorder) or request target (ErrorServer).
    pub url: String,
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
    /// Form parameters of the body (and of the URL query string, if any).
    pub params: BTreeMap<String, String>,
    /// `params["Action"]`, e.g. `AssumeRole`.
    pub action: Option<String>,
}

impl Request {
    pub(super) fn new(
        method: String,
        url: String,
        headers: BTreeMap<String, String>,
        body: Vec<u8>,
    ) -> Request {
        let mut params = BTreeMap::new();
        if let Some((_, query)) = url.split_once('?') {
            params.extend(form_decode(query));
        }
        let is_form = match header_value(&headers, "content-type") {
            Some(ct) => ct.to_ascii_lowercase().contains("x-www-form-urlencoded"),
            None => true,
        };
        let text = if is_form {
            std::str::from_utf8(&body).ok()
        } else {
            None
        };
        if let Some(text) = text {
            params.extend(form_decode(text));
        }
        let action = params.get("Action").cloned();
        Request {
            method,
            url,
            headers,
            body,
            params,
            action,
        }
    }

    fn from_recorded(v: &serde_json::Value) -> Request {
        let headers: BTreeMap<String, String> = v["headers"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| {
                        let s = match v.as_str() {
                            Some(s) => s.to_owned(),
                            None => v.to_string(),
                        };
                        (k.clone(), s)
                    })
                    .collect::<BTreeMap<String, String>>()
            })
            .unwrap_or_default();
        let body_str = v["body"].as_str().unwrap_or("");
        let body = if v["body_encoded"].as_bool().unwrap_or(false) {
            base64_decode(body_str)
        } else {
            body_str.as_bytes().to_vec()
        };
        Request::new(
            v["method"].as_str().unwrap_or("").to_owned(),
            v["url"].as_str().unwrap_or("").to_owned(),
            headers,
            body,
        )
    }

    /// A header, name matched case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        header_value(&self.headers, name)
    }

    /// A form parameter, e.g. `param("TokenCode")`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }

    /// The body as text (lossy).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// The `Action` of each request that has one, in order.
pub fn actions(reqs: &[Request]) -> Vec<String> {
    reqs.iter().filter_map(|r| r.action.clone()).collect()
}

/// Parses moto's download-recording output (one JSON object a line).
pub fn parse_recording(text: &str) -> Vec<Request> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("bad moto recording line {l:?}: {e}"));
            Request::from_recorded(&v)
        })
        .collect()
}
