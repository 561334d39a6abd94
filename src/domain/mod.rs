//! Parsed domain values. Each type's only constructor is `parse`, so a function that takes a
//! [`Mobile`] never has to wonder whether it is one. Handlers parse at the edge and map a
//! [`DomainError`] to a 400 with its [`code`](DomainError::code) and
//! [`message`](DomainError::message).

mod account;
mod avatar;
mod email;
pub mod mobile;
mod nickname;
pub mod open_id;
mod password;
mod username;

pub use account::AccountIdentifier;
pub use avatar::Avatar;
pub use email::Email;
pub use mobile::Mobile;
pub use nickname::{NICKNAME_MAX_CHARS, NICKNAME_MIN_CHARS, Nickname};
pub use password::{PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS, Password};
pub use username::{USERNAME_MAX_CHARS, Username};

/// Why a value was refused. `code()` is stable for clients; `message()` is for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("{}", self.message())]
    InvalidMobile,
    /// Carries the specific reason, in Chinese.
    #[error("{}", self.message())]
    InvalidNickname(&'static str),
    /// Carries the specific reason, in Chinese.
    #[error("{}", self.message())]
    InvalidPassword(&'static str),
    #[error("{}", self.message())]
    InvalidEmail,
    /// Carries the specific reason, in Chinese.
    #[error("{}", self.message())]
    InvalidUsername(&'static str),
    /// Not a username, mobile or email.
    #[error("{}", self.message())]
    InvalidAccount,
    /// Not empty and not an `https://` URL.
    #[error("{}", self.message())]
    InvalidAvatar,
}

impl DomainError {
    /// Stable machine code for the API error body.
    pub const fn code(&self) -> &'static str {
        match self {
            DomainError::InvalidMobile => "invalid_mobile",
            DomainError::InvalidNickname(_) => "invalid_nickname",
            DomainError::InvalidPassword(_) => "invalid_password",
            DomainError::InvalidEmail => "invalid_email",
            DomainError::InvalidUsername(_) => "invalid_username",
            DomainError::InvalidAccount => "invalid_account",
            DomainError::InvalidAvatar => "invalid_avatar",
        }
    }

    /// Message for the person filling the form, in Chinese.
    pub const fn message(&self) -> &'static str {
        match self {
            DomainError::InvalidMobile => "手机号格式不正确",
            DomainError::InvalidNickname(reason)
            | DomainError::InvalidPassword(reason)
            | DomainError::InvalidUsername(reason) => reason,
            DomainError::InvalidEmail => "邮箱格式不正确",
            DomainError::InvalidAccount => "请输入用户名、手机号或邮箱",
            DomainError::InvalidAvatar => "头像须为 https:// 开头的图片地址，或留空",
        }
    }
}

/// `AsRef<str>`, `Display`, `into_inner` and `TryFrom` for the plain (non-secret) values.
macro_rules! plain_value {
    ($name:ident) => {
        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl $name {
            /// The parsed value, e.g. for a database column.
            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = DomainError;

            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = DomainError;

            fn try_from(value: &str) -> Result<Self, Self::Error> {
                Self::parse(value)
            }
        }
    };
}
pub(crate) use plain_value;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_a_snake_case_code_and_a_chinese_message() {
        let all = [
            DomainError::InvalidMobile,
            DomainError::InvalidNickname("昵称不合法"),
            DomainError::InvalidPassword("密码不合法"),
            DomainError::InvalidEmail,
            DomainError::InvalidUsername("用户名不合法"),
            DomainError::InvalidAccount,
        ];
        let codes: std::collections::HashSet<_> = all.iter().map(DomainError::code).collect();
        assert_eq!(codes.len(), all.len(), "codes must be distinct");
        for e in all {
            assert!(e.code().starts_with("invalid_"));
            assert!(
                e.code()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_')
            );
            assert!(
                e.message()
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{e:?}"
            );
            assert_eq!(e.to_string(), e.message());
        }
    }
}
