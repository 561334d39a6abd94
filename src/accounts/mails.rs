//! The mails accounts send. Texts live in `templates/mail/` (subject, plain text, HTML);
//! `{{name}}` placeholders are filled here, HTML-escaped in the HTML part.

use super::notices::{Change, UnboundBy, mask_email};
use crate::mail::Mail;

struct Template {
    subject: &'static str,
    text: &'static str,
    html: &'static str,
}

macro_rules! template {
    ($name:literal) => {
        Template {
            subject: include_str!(concat!("../../templates/mail/", $name, ".subject.txt")),
            text: include_str!(concat!("../../templates/mail/", $name, ".txt")),
            html: include_str!(concat!("../../templates/mail/", $name, ".html")),
        }
    };
}

const PASSWORD_RESET: Template = template!("password_reset");
const PASSWORD_CHANGED: Template = template!("password_changed");
const EMAIL_VERIFY: Template = template!("email_verify");
const EMAIL_TAKEN: Template = template!("email_taken");
const QQ_BOUND: Template = template!("qq_bound");
const QQ_UNBOUND: Template = template!("qq_unbound");
const QQ_UNBOUND_BY_STAFF: Template = template!("qq_unbound_by_staff");
const EMAIL_CHANGED: Template = template!("email_changed");

fn fill(template: &str, vars: &[(&str, &str)], escape: bool) -> String {
    let mut out = template.to_owned();
    for (name, value) in vars {
        let value = if escape {
            crate::html::escape(value)
        } else {
            (*value).to_owned()
        };
        out = out.replace(&format!("{{{{{name}}}}}"), &value);
    }
    out
}

fn render(template: &Template, to: &str, vars: &[(&str, &str)]) -> Mail {
    Mail {
        to: to.to_owned(),
        subject: fill(template.subject.trim(), vars, false),
        text: fill(template.text, vars, false),
        html: Some(fill(template.html, vars, true)),
    }
}

/// `{base}/{path}`, keeping a path prefix of the base URL (e.g. `https://renran.cn/passport`).
pub fn link(base: &url::Url, path_and_query: &str) -> String {
    format!("{}{}", base.as_str().trim_end_matches('/'), path_and_query)
}

pub fn password_reset(to: &str, nickname: &str, link: &str, minutes: u64) -> Mail {
    render(
        &PASSWORD_RESET,
        to,
        &[
            ("nickname", nickname),
            ("link", link),
            ("minutes", &minutes.to_string()),
        ],
    )
}

/// When and from where a security-relevant change was made, as a notice shows it.
#[derive(Clone, Copy, Debug)]
pub struct Origin<'a> {
    /// `2026-11-29 20:30:00（北京时间 UTC+8）`.
    pub when: &'a str,
    /// The client address that made the change.
    pub client: &'a str,
}

/// The links every notice offers: reset the password, open the account page.
#[derive(Clone, Copy, Debug)]
pub struct NoticeLinks<'a> {
    pub forgot: &'a str,
    pub account: &'a str,
}

/// The notice of `change` to `to` (the account's owner, `nickname`): what changed, when and from
/// where (for a staff change: why instead), and the links every notice offers. An email change
/// goes to the old address and shows the new one masked.
pub fn notice(
    change: Change<'_>,
    to: &str,
    nickname: &str,
    origin: Origin<'_>,
    links: NoticeLinks<'_>,
) -> Mail {
    let by_client = [("when", origin.when), ("client", origin.client)];
    let masked;
    let (template, facts): (&Template, Vec<(&str, &str)>) = match change {
        Change::PasswordChanged => (&PASSWORD_CHANGED, by_client.to_vec()),
        // Bound, or unbound by the owner: the same facts, told by the owner's client.
        Change::QqBound {
            provider,
            qq_nickname,
        }
        | Change::QqUnbound {
            provider,
            qq_nickname,
            by: UnboundBy::Owner,
        } => {
            let template = if matches!(change, Change::QqBound { .. }) {
                &QQ_BOUND
            } else {
                &QQ_UNBOUND
            };
            let facts = [("qq_nickname", qq_nickname)]
                .into_iter()
                .chain(provider_names(provider))
                .chain(by_client);
            (template, facts.collect())
        }
        // A staff member's address is none of the user's business: the reason instead.
        Change::QqUnbound {
            provider,
            qq_nickname,
            by: UnboundBy::Staff { reason },
        } => (
            &QQ_UNBOUND_BY_STAFF,
            [
                ("qq_nickname", qq_nickname),
                ("when", origin.when),
                ("reason", reason),
            ]
            .into_iter()
            .chain(provider_names(provider))
            .collect(),
        ),
        Change::EmailChanged {
            old_email,
            new_email,
        } => {
            masked = mask_email(new_email);
            (
                &EMAIL_CHANGED,
                [("old_email", old_email), ("new_email", masked.as_str())]
                    .into_iter()
                    .chain(by_client)
                    .collect(),
            )
        }
    };
    let common = [
        ("nickname", nickname),
        ("forgot_link", links.forgot),
        ("account_link", links.account),
    ];
    let vars: Vec<(&str, &str)> = common.into_iter().chain(facts).collect();
    render(template, to, &vars)
}

/// The provider's name for a notice's text: `provider` inside a sentence (QQ takes a space on
/// each side, 微信 and 微博 none), `provider_end` where nothing follows it.
fn provider_names(provider: crate::oauth::ProviderKind) -> [(&'static str, &'static str); 2] {
    let (inside, end) = match provider {
        crate::oauth::ProviderKind::Qq => (" QQ ", " QQ"),
        other => (other.label(), other.label()),
    };
    [("provider", inside), ("provider_end", end)]
}

pub fn email_verify(to: &str, nickname: &str, link: &str, hours: u64) -> Mail {
    render(
        &EMAIL_VERIFY,
        to,
        &[
            ("nickname", nickname),
            ("link", link),
            ("hours", &hours.to_string()),
        ],
    )
}

pub fn email_taken(to: &str, forgot_link: &str) -> Mail {
    render(&EMAIL_TAKEN, to, &[("forgot_link", forgot_link)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_and_html_is_escaped() {
        let mail = password_reset(
            "a@example.com",
            "<b>小明</b>",
            "https://x.cn/reset-password?token=a.b.c",
            30,
        );
        assert_eq!(mail.subject, "【荏苒】重置密码");
        assert!(mail.text.contains("<b>小明</b>，你好"), "text is plain");
        assert!(
            mail.text
                .contains("https://x.cn/reset-password?token=a.b.c")
        );
        assert!(mail.text.contains("30 分钟"));
        assert!(mail.text.contains("如果这不是你本人的操作"));
        let html = mail.html.expect("html");
        assert!(
            html.contains("&lt;b&gt;小明&lt;/b&gt;"),
            "html escapes values"
        );
        assert!(!html.contains("{{"), "every placeholder filled");
    }

    #[test]
    fn every_notice_fills_every_placeholder_and_says_what_to_do() {
        let origin = Origin {
            when: "2026-11-30 04:30:05（北京时间 UTC+8）",
            client: "203.0.113.7",
        };
        let links = NoticeLinks {
            forgot: "https://x.cn/forgot-password",
            account: "https://x.cn/account",
        };
        let notices = [
            notice(Change::PasswordChanged, "a@x.cn", "小明", origin, links),
            notice(
                Change::QqBound {
                    provider: crate::oauth::ProviderKind::Qq,
                    qq_nickname: "QQ小明",
                },
                "a@x.cn",
                "小明",
                origin,
                links,
            ),
            notice(
                Change::QqUnbound {
                    provider: crate::oauth::ProviderKind::Qq,
                    qq_nickname: "QQ小明",
                    by: UnboundBy::Owner,
                },
                "a@x.cn",
                "小明",
                origin,
                links,
            ),
            notice(
                Change::EmailChanged {
                    old_email: "a@x.cn",
                    new_email: "b@x.cn",
                },
                "a@x.cn",
                "小明",
                origin,
                links,
            ),
        ];
        for mail in &notices {
            let html = mail.html.as_deref().expect("html");
            for part in [&mail.subject, &mail.text, html] {
                assert!(!part.contains("{{"), "unfilled: {part}");
            }
            assert!(mail.text.contains(origin.when), "{}", mail.text);
            assert!(mail.text.contains("来源 IP：203.0.113.7"), "{}", mail.text);
            assert!(
                mail.text.contains("如果这不是你本人的操作"),
                "{}",
                mail.text
            );
        }
        let staff = notice(
            Change::QqUnbound {
                provider: crate::oauth::ProviderKind::Qq,
                qq_nickname: "QQ小明",
                by: UnboundBy::Staff { reason: "<违规>" },
            },
            "a@x.cn",
            "小明",
            origin,
            links,
        );
        assert!(staff.text.contains("原因：<违规>"));
        assert!(
            staff.html.expect("html").contains("&lt;违规&gt;"),
            "escaped"
        );
        assert!(!staff.text.contains("{{"));
    }

    #[test]
    fn a_bound_notice_names_its_provider() {
        let origin = Origin {
            when: "2026-11-30 04:30:05（北京时间 UTC+8）",
            client: "203.0.113.7",
        };
        let links = NoticeLinks {
            forgot: "https://x.cn/forgot-password",
            account: "https://x.cn/account",
        };
        let bound = |provider| {
            notice(
                Change::QqBound {
                    provider,
                    qq_nickname: "小明",
                },
                "a@x.cn",
                "小明",
                origin,
                links,
            )
        };
        let qq = bound(crate::oauth::ProviderKind::Qq);
        assert_eq!(qq.subject, "【荏苒】你的账号绑定了 QQ");
        assert!(
            qq.text
                .contains("绑定了 QQ 账号“小明”，今后可以用这个 QQ 直接登录")
        );
        let wechat = bound(crate::oauth::ProviderKind::Wechat);
        assert_eq!(wechat.subject, "【荏苒】你的账号绑定了微信");
        assert!(
            wechat
                .text
                .contains("绑定了微信账号“小明”，今后可以用这个微信直接登录")
        );
        assert!(wechat.text.contains("解除这个微信绑定"), "{}", wechat.text);
        let html = bound(crate::oauth::ProviderKind::Weibo).html.expect("html");
        assert!(html.contains("<title>账号绑定了微博</title>"), "{html}");
    }

    #[test]
    fn an_unbound_notice_names_its_provider() {
        let origin = Origin {
            when: "2026-11-30 04:30:05（北京时间 UTC+8）",
            client: "203.0.113.7",
        };
        let links = NoticeLinks {
            forgot: "https://x.cn/forgot-password",
            account: "https://x.cn/account",
        };
        let unbound = |provider, by| {
            notice(
                Change::QqUnbound {
                    provider,
                    qq_nickname: "小明",
                    by,
                },
                "a@x.cn",
                "小明",
                origin,
                links,
            )
        };
        let qq = unbound(crate::oauth::ProviderKind::Qq, UnboundBy::Owner);
        assert_eq!(qq.subject, "【荏苒】你的账号解除了 QQ 绑定");
        assert!(
            qq.text
                .contains("解除了与 QQ 账号“小明”的绑定，今后不能再用这个 QQ 登录"),
            "{}",
            qq.text
        );
        assert!(qq.text.contains("然后在账号设置中重新绑定 QQ："));
        let wechat = unbound(crate::oauth::ProviderKind::Wechat, UnboundBy::Owner);
        assert_eq!(wechat.subject, "【荏苒】你的账号解除了微信绑定");
        assert!(
            wechat
                .text
                .contains("解除了与微信账号“小明”的绑定，今后不能再用这个微信登录"),
            "{}",
            wechat.text
        );
        let staff = unbound(
            crate::oauth::ProviderKind::Weibo,
            UnboundBy::Staff { reason: "违规" },
        );
        assert_eq!(staff.subject, "【荏苒】工作人员解除了你的微博绑定");
        assert!(staff.text.contains("重新绑定微博："), "{}", staff.text);
        let html = staff.html.expect("html");
        assert!(
            html.contains("<title>工作人员解除了你的微博绑定</title>"),
            "{html}"
        );
        assert!(!html.contains("{{"));
    }

    #[test]
    fn links_keep_the_base_path() {
        let base = url::Url::parse("https://renran.cn/passport/").expect("url");
        assert_eq!(
            link(&base, "/reset-password?token=t"),
            "https://renran.cn/passport/reset-password?token=t"
        );
        let root = url::Url::parse("https://renran.cn").expect("url");
        assert_eq!(
            link(&root, "/reset-password?token=t"),
            "https://renran.cn/reset-password?token=t"
        );
    }
}
