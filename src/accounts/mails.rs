//! The mails accounts send. Texts live in `templates/mail/` (subject, plain text, HTML);
//! `{{name}}` placeholders are filled here, HTML-escaped in the HTML part.

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

pub fn password_changed(to: &str, nickname: &str, forgot_link: &str, origin: Origin<'_>) -> Mail {
    render(
        &PASSWORD_CHANGED,
        to,
        &[
            ("nickname", nickname),
            ("forgot_link", forgot_link),
            ("when", origin.when),
            ("client", origin.client),
        ],
    )
}

pub fn qq_bound(
    to: &str,
    nickname: &str,
    qq_nickname: &str,
    origin: Origin<'_>,
    links: NoticeLinks<'_>,
) -> Mail {
    qq_notice(&QQ_BOUND, to, nickname, qq_nickname, origin, links)
}

pub fn qq_unbound(
    to: &str,
    nickname: &str,
    qq_nickname: &str,
    origin: Origin<'_>,
    links: NoticeLinks<'_>,
) -> Mail {
    qq_notice(&QQ_UNBOUND, to, nickname, qq_nickname, origin, links)
}

/// A QQ binding was made or removed by the owner: the same facts, another template.
fn qq_notice(
    template: &Template,
    to: &str,
    nickname: &str,
    qq_nickname: &str,
    origin: Origin<'_>,
    links: NoticeLinks<'_>,
) -> Mail {
    render(
        template,
        to,
        &[
            ("nickname", nickname),
            ("qq_nickname", qq_nickname),
            ("when", origin.when),
            ("client", origin.client),
            ("forgot_link", links.forgot),
            ("account_link", links.account),
        ],
    )
}

/// Staff removed the binding: the notice gives the staff's reason instead of a client address
/// (a staff member's address is none of the user's business).
pub fn qq_unbound_by_staff(
    to: &str,
    nickname: &str,
    qq_nickname: &str,
    when: &str,
    reason: &str,
    links: NoticeLinks<'_>,
) -> Mail {
    render(
        &QQ_UNBOUND_BY_STAFF,
        to,
        &[
            ("nickname", nickname),
            ("qq_nickname", qq_nickname),
            ("when", when),
            ("reason", reason),
            ("forgot_link", links.forgot),
            ("account_link", links.account),
        ],
    )
}

/// To the OLD address, after a verified change.
pub fn email_changed(
    old_email: &str,
    nickname: &str,
    new_email_masked: &str,
    origin: Origin<'_>,
    links: NoticeLinks<'_>,
) -> Mail {
    render(
        &EMAIL_CHANGED,
        old_email,
        &[
            ("nickname", nickname),
            ("old_email", old_email),
            ("new_email", new_email_masked),
            ("when", origin.when),
            ("client", origin.client),
            ("forgot_link", links.forgot),
            ("account_link", links.account),
        ],
    )
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
            password_changed("a@x.cn", "小明", links.forgot, origin),
            qq_bound("a@x.cn", "小明", "QQ小明", origin, links),
            qq_unbound("a@x.cn", "小明", "QQ小明", origin, links),
            email_changed("a@x.cn", "小明", "b***@x.cn", origin, links),
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
        let staff = qq_unbound_by_staff("a@x.cn", "小明", "QQ小明", origin.when, "<违规>", links);
        assert!(staff.text.contains("原因：<违规>"));
        assert!(
            staff.html.expect("html").contains("&lt;违规&gt;"),
            "escaped"
        );
        assert!(!staff.text.contains("{{"));
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
