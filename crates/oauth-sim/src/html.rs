//! HTML escaping and the page chrome every simulator's pages share.

/// Escape text for HTML element content and double-quoted or single-quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;background:#f3f5f8;margin:0}\
main{max-width:440px;margin:40px auto;background:#fff;border-radius:8px;padding:24px 28px;box-shadow:0 2px 12px #0001}\
h1{font-size:20px;margin:0 0 12px}h1 small{color:#888;font-weight:normal;font-size:13px}\
fieldset{border:1px solid #dde;border-radius:6px;margin:14px 0;padding:10px 14px}\
label{display:block;margin:6px 0}input[type=text]{width:100%;box-sizing:border-box;padding:6px}\
code{color:#888}.error{color:#c00}.note{color:#888;font-size:12px}\
.qr{width:180px;height:180px;margin:8px auto;display:grid;grid-template-columns:repeat(9,1fr);border:8px solid #fff;outline:1px solid #ddd}\
.qr i{display:block}.qr i.b{background:#222}\
button{padding:8px 18px;margin-right:8px;border-radius:4px;border:1px solid var(--accent);font-size:15px;cursor:pointer}\
button.approve{background:var(--accent);color:#fff}button.cancel{background:#fff;color:var(--accent)}";

/// A whole page: `accent` is the provider's colour (QQ blue, WeChat green, Weibo orange).
pub fn page(title: &str, accent: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>:root{{--accent:{}}}{STYLE}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n",
        escape(title),
        escape(accent)
    )
}

/// Hidden inputs carrying `params` back to the form's target.
pub fn hidden_inputs(params: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (key, value) in params {
        out.push_str(&format!(
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">\n",
            escape(key),
            escape(value)
        ));
    }
    out
}

/// The user picker: radio buttons for the known users, then fields for a new one (which wins).
pub fn user_picker(users: &[&crate::SimUser], what: &str) -> String {
    let mut body = format!(
        "<fieldset><legend>选择一个模拟的{}用户</legend>\n",
        escape(what)
    );
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
    body
}

/// An HTML error page as a proxy in front of the provider would send it (for injected faults).
pub fn gateway_error(status: u16, server: &str) -> String {
    format!(
        "<html>\r\n<head><title>{status} Bad Gateway</title></head>\r\n<body>\r\n<center><h1>{status}</h1></center>\r\n<hr><center>{}</center>\r\n</body>\r\n</html>\r\n",
        escape(server)
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_and_quotes_are_escaped() {
        assert_eq!(
            super::escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(super::escape("荏苒"), "荏苒");
    }
}
