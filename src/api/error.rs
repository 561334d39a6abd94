//! The one error shape of the HTTP API: `{"code": "<stable_machine_code>", "message": "<中文>"}`.
//! Clients branch on `code`; people read `message`.

use poem_openapi::Object;

#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct ErrorBody {
    /// Stable machine code, e.g. `bind_ticket_used`.
    pub code: String,
    /// Human message in Chinese, fit to show to the person using the page.
    pub message: String,
}

impl ErrorBody {
    pub fn new(code: &str, message: &str) -> Self {
        Self {
            code: code.to_owned(),
            message: message.to_owned(),
        }
    }
}
