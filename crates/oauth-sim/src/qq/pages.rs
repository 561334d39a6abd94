//! The simulator's HTML: the consent page a person uses in a browser, QQ's error page and the
//! "cancelled" page.

pub use crate::html::escape;

use super::config::{SimApp, SimUser};
use super::state::QqFail;
use crate::html::{hidden_inputs, user_picker};

/// QQ blue.
const ACCENT: &str = "#12b7f5";

fn page(title: &str, body: &str) -> String {
    crate::html::page(title, ACCENT, body)
}

/// The parameters the consent form carries back to `POST /oauth2.0/authorize`.
pub const PASSED_ON: [&str; 6] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "state",
    "scope",
    "display",
];

/// The consent page: pick a simulated user or type a new one, then approve or cancel.
pub fn consent(
    app: &SimApp,
    users: &[&SimUser],
    params: &[(&str, &str)],
    error: Option<&str>,
) -> String {
    let mut body = String::new();
    body.push_str("<h1>QQ登录 <small>QQ互联模拟器</small></h1>\n");
    body.push_str(&format!(
        "<p><b>{}</b> 将获得以下权限：访问您的个人资料（昵称、头像、性别）</p>\n",
        escape(app.display_name())
    ));
    if let Some(error) = error {
        body.push_str(&format!("<p class=\"error\">{}</p>\n", escape(error)));
    }
    body.push_str("<form method=\"post\" action=\"/oauth2.0/authorize\">\n");
    body.push_str(&hidden_inputs(params));
    body.push_str(&user_picker(users, "QQ"));
    body.push_str("<button class=\"approve\" type=\"submit\" name=\"action\" value=\"approve\">授权并登录</button>\n");
    body.push_str(
        "<button class=\"cancel\" type=\"submit\" name=\"action\" value=\"cancel\">取消</button>\n",
    );
    body.push_str("</form>\n");
    body.push_str(
        "<p class=\"note\">这是 passport 的 QQ 互联模拟器，不是真正的 QQ。同一用户在同一应用下的 openid 始终相同。</p>",
    );
    page("QQ登录 - 模拟器", &body)
}

/// QQ's own error page for a bad authorize request, e.g. `redirect uri is illegal(100010)`.
pub fn error(fail: QqFail) -> String {
    page(
        "QQ登录 - 出错了",
        &format!(
            "<h1>很抱歉，出错了</h1>\n<p class=\"error\">{}({})</p>\n<p class=\"note\">QQ互联模拟器</p>",
            escape(fail.description.trim_end()),
            fail.code
        ),
    )
}

/// After "cancel" on the PC page QQ just closes the window; the simulator says so.
pub fn cancelled() -> String {
    page(
        "QQ登录 - 已取消",
        "<h1>已取消登录</h1>\n<p>您取消了授权，可以关闭此页面。（QQ 的 PC 页面此时会直接关闭，不会跳转回网站。）</p>",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_escape_what_they_show() {
        let mut app = SimApp::new("1", "k");
        app.name = "<i>app".into();
        let user = SimUser::named("a\"><script>");
        let html = consent(&app, &[&user], &[("state", "x\"y")], Some("<oops>"));
        assert!(!html.contains("<script>") && !html.contains("<i>app") && !html.contains("<oops>"));
        assert!(html.contains("value=\"x&quot;y\""));
        assert!(
            error(super::super::state::fails::REDIRECT).contains("redirect uri is illegal(100010)")
        );
    }
}
