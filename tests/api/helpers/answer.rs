//! What an endpoint answered, and the one assertion on error answers.

use reqwest::StatusCode;
use serde_json::Value;

/// A status and its JSON body (`Value::Null` when the body is not JSON).
pub type Answer = (StatusCode, Value);

pub async fn json_of(response: reqwest::Response) -> Answer {
    let status = response.status();
    let body = response.json::<Value>().await.unwrap_or(Value::Null);
    (status, body)
}

/// Anything `assert_error` reads a status and a body from.
pub trait StatusAndBody {
    fn status_and_body(&self) -> (StatusCode, &Value);
}

impl StatusAndBody for Answer {
    fn status_and_body(&self) -> (StatusCode, &Value) {
        (self.0, &self.1)
    }
}

impl StatusAndBody for (StatusCode, &Value) {
    fn status_and_body(&self) -> (StatusCode, &Value) {
        (self.0, self.1)
    }
}

impl StatusAndBody for (u16, &Value) {
    fn status_and_body(&self) -> (StatusCode, &Value) {
        (
            StatusCode::from_u16(self.0).expect("an HTTP status"),
            self.1,
        )
    }
}

impl<T: StatusAndBody> StatusAndBody for &T {
    fn status_and_body(&self) -> (StatusCode, &Value) {
        (*self).status_and_body()
    }
}

/// The answer is the error `code` with `status` (the body is printed when it is not).
#[track_caller]
pub fn assert_error(answer: impl StatusAndBody, status: u16, code: &str) {
    let (actual, body) = answer.status_and_body();
    assert_eq!(
        (actual.as_u16(), body["code"].as_str()),
        (status, Some(code)),
        "{body}"
    );
}

/// [`assert_error`], saying `context` (which case of a loop, what was sent) when it fails.
#[track_caller]
pub fn assert_error_in(
    answer: impl StatusAndBody,
    status: u16,
    code: &str,
    context: impl std::fmt::Display,
) {
    let (actual, body) = answer.status_and_body();
    assert_eq!(
        (actual.as_u16(), body["code"].as_str()),
        (status, Some(code)),
        "{context}: {body}"
    );
}
