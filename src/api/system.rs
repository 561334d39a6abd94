//! What this server is: name and version, for clients checking compatibility, and the index
//! `GET /api` answers (where the docs and the spec are).

use poem_openapi::{Object, OpenApi, payload::Json};

use crate::api::ApiTags;
use crate::api::contract::{Gate, OpError, operation_errors};

operation_errors! {
    /// `getVersion`, `getApiIndex`: only what any operation can meet (CORS, a panic).
    pub SystemError(Gate::Open, no_input) {}
}

pub struct SystemApi;

#[derive(Debug, Object)]
pub struct VersionInfo {
    /// Always `passport`.
    pub name: String,
    /// The server's semantic version.
    pub version: String,
}

/// `GET /api`: what this API is and where it is described.
#[derive(Debug, Object)]
pub struct ApiIndex {
    /// Always `passport`.
    pub name: String,
    /// The server's semantic version.
    pub version: String,
    /// What the API is for, in Chinese.
    pub description: String,
    /// Where to read more, as paths on this server.
    pub links: ApiLinks,
}

#[derive(Debug, Object)]
pub struct ApiLinks {
    /// Interactive API docs (Swagger UI): `/docs`.
    pub docs: String,
    /// The OpenAPI spec: `/openapi.json`.
    pub openapi: String,
    /// Name and version alone: `/api/version`.
    pub version: String,
}

#[OpenApi(tag = "ApiTags::System")]
impl SystemApi {
    /// Server name and version / 服务名称和版本
    #[oai(path = "/version", method = "get", operation_id = "getVersion")]
    async fn version(&self) -> Result<Json<VersionInfo>, OpError<SystemError>> {
        Ok(Json(VersionInfo {
            name: env!("CARGO_PKG_NAME").to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        }))
    }

    /// The API index / 接口索引（名称、版本、文档链接）
    ///
    /// The API's index: name, version, and links to the docs and the spec.
    #[oai(path = "/", method = "get", operation_id = "getApiIndex")]
    async fn index(&self) -> Result<Json<ApiIndex>, OpError<SystemError>> {
        Ok(Json(ApiIndex {
            name: env!("CARGO_PKG_NAME").to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            description: "荏苒账号服务：QQ 登录、账号绑定、短信验证码与找回密码".to_owned(),
            links: ApiLinks {
                docs: "/docs".to_owned(),
                openapi: "/openapi.json".to_owned(),
                version: "/api/version".to_owned(),
            },
        }))
    }
}
