//! What this server is: name and version, for clients checking compatibility.

use poem_openapi::{Object, OpenApi, payload::Json};

use crate::api::ApiTags;

pub struct SystemApi;

#[derive(Debug, Object)]
pub struct VersionInfo {
    /// Always `passport`.
    pub name: String,
    /// The server's semantic version.
    pub version: String,
}

#[OpenApi(tag = "ApiTags::System")]
impl SystemApi {
    /// Server name and version.
    #[oai(path = "/version", method = "get", operation_id = "getVersion")]
    async fn version(&self) -> Json<VersionInfo> {
        Json(VersionInfo {
            name: env!("CARGO_PKG_NAME").to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        })
    }
}
