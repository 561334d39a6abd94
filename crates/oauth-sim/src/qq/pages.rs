//! The simulator's HTML: the consent page a person uses in a browser, QQ's error page and the
//! "cancelled" page.

pub use crate::html::escape;

use super::config::{SimApp, SimUser};
use super::state::QqFail;

const STYLE: &str = "body{font-family:-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;background:#f3f5f8;margin:0}\
main{max-width:440px;margin:40px auto;background:#fff;border-radius:8px;padding:24px 28px;box-shadow:0 2px 12px #0001}\
h1{font-size:20px;margin:0 0 12px}h1 small{color:#888;font-weight:normal;font-size:13px}\
fieldset{border:1px solid #dde;border-radius:6px;margin:14px 0;padding:10px 14px}\
label{display:block;margin:6px 0}input[type=text]{width:100%;box-sizing:border-box;padding:6px}\
code{color:#888}.error{color:#c00}.note{color:#888;font-size:12px}\
button{padding:8px 18px;margin-right:8px;border-radius:4px;border:1px solid #12b7f5;font-size:15px;cursor:pointer}\
button.approve{background:#12b7f5;color:#fff}button.cancel{background:#fff;color:#12b7f5}";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n",
        escape(title)
    )
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
    for (key, value) in params {
        body.push_str(&format!(
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">\n",
            escape(key),
            escape(value)
        ));
    }
    body.push_str("<fieldset><legend>选择一个模拟的QQ用户</legend>\n");
    for (i, user) in users.iter().enumerate() {
        body.push_str(&format!(
            "<label><input type=\"radio\" name=\"sim_user\" value=\"{}\"{}> {} <code>{}</code></label>\n",
            escape(&user.name),
            if i == 0 { " checked" } else { "" },
            escape(&user.nickname),
            escape(&user.name)
        ));
    }
    body.push_str("</fieldset>\n<fieldset><legend>或输入一个新用户（优先）</legend>\n");
    body.push_str("<label>用户名 <input type=\"text\" name=\"sim_user_new\" maxlength=\"64\" placeholder=\"如 zhangsan\"></label>\n");
    body.push_str("<label>昵称 <input type=\"text\" name=\"sim_nickname\" maxlength=\"64\" placeholder=\"如 张三\"></label>\n");
    body.push_str("</fieldset>\n");
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

/// An HTML error page as a proxy in front of QQ would send it (for injected faults).
pub fn gateway_error(status: u16) -> String {
    format!(
        "<html>\r\n<head><title>{status} Bad Gateway</title></head>\r\n<body>\r\n<center><h1>{status}</h1></center>\r\n<hr><center>tws</center>\r\n</body>\r\n</html>\r\n"
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
