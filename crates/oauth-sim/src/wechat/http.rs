//! WeChat's HTTP face: the QR page (GET shows it, POST is the stand-in phone confirming), the
//! four `/sns/*` endpoints and the simulator's own `/_sim/*`. Every API answer is HTTP 200 JSON,
//! errors included, as WeChat's are.

use poem::http::StatusCode;
use poem::web::{Data, Json, Query};
use poem::{Body, EndpointExt, IntoResponse, Request, Response, Route, get, handler, post};
use serde::Deserialize;
use serde_json::json;

use super::Simulator;
use super::state::{FaultTarget, Grant, WechatFail, fails};
use crate::SimUser;
use crate::control::{MintRequest, bad_request};
use crate::fault::Look;
use crate::html::{escape, hidden_inputs, page, user_picker};
use crate::ids::append_query;
use crate::params::Params;
use crate::users::Directory;

/// api.weixin.qq.com's headers (`docs/wire/wechat.md` §1), and the page a `html` fault serves.
const LOOK: Look = Look {
    server: "nginx",
    content_type: "application/json; encoding=utf-8",
    busy_page: "<!DOCTYPE html><html><head><title>微信</title></head><body>系统繁忙，请稍后再试</body></html>",
};

/// WeChat green.
const ACCENT: &str = "#07c160";

pub(super) fn routes(sim: &Simulator) -> impl poem::Endpoint + 'static {
    let route = Route::new()
        .at("/connect/qrconnect", get(qr_page).post(qr_confirm))
        .at(
            "/sns/oauth2/access_token",
            get(access_token).post(access_token),
        )
        .at(
            "/sns/oauth2/refresh_token",
            get(refresh_token).post(refresh_token),
        )
        .at("/sns/userinfo", get(userinfo).post(userinfo))
        .at("/sns/auth", get(auth).post(auth))
        .at("/_sim", get(overview))
        .at("/_sim/codes", post(mint_codes))
        .at("/_sim/revoke", post(revoke))
        .at("/_sim/openid", get(control_openid));
    crate::control::routes(route, sim).data(sim.clone())
}

/// A random request id in WeChat's `rid` shape (`xxxxxxxx-xxxxxxxx-xxxxxxxx`).
fn rid() -> String {
    let b: [u8; 12] = rand::random();
    format!(
        "{}-{}-{}",
        hex::encode(&b[..4]),
        hex::encode(&b[4..8]),
        hex::encode(&b[8..])
    )
}

/// `{"errcode":40029,"errmsg":"invalid code rid: …"}` (no comma before `rid`, as captured).
pub fn error_body(fail: WechatFail) -> String {
    json!({ "errcode": fail.errcode, "errmsg": format!("{} rid: {}", fail.errmsg, rid()) })
        .to_string()
}

fn error(fail: WechatFail) -> Response {
    LOOK.ok(error_body(fail))
}

/// The token endpoints' success, keys in the documented order.
pub fn grant_body(g: &Grant) -> String {
    let mut out = format!(
        "{{\"access_token\":{},\"expires_in\":{},\"refresh_token\":{},\"openid\":{},\"scope\":{}",
        json!(g.access_token),
        g.expires_in,
        json!(g.refresh_token),
        json!(g.openid),
        json!(g.scope)
    );
    if let Some(unionid) = &g.unionid {
        out.push_str(&format!(",\"unionid\":{}", json!(unionid)));
    }
    out.push('}');
    out
}

/// `/sns/userinfo`'s success. Since 2021-10-20 WeChat no longer reports sex and region: `sex`
/// is 0 and `province`/`city`/`country` are empty (`docs/wire/wechat.md` §4.4).
pub fn userinfo_body(user: &SimUser, openid: &str, unionid: Option<&str>) -> String {
    let avatar = format!(
        "https://thirdwx.qlogo.cn/mmopen/vi_32/{}/132",
        crate::ids::url_safe(&crate::ids::derive(&["avatar", openid]), 64)
    );
    let mut body = json!({
        "openid": openid,
        "nickname": user.nickname,
        "sex": 0,
        "language": "",
        "city": "",
        "province": "",
        "country": "",
        "headimgurl": avatar,
        "privilege": [],
    });
    if let (Some(unionid), Some(map)) = (unionid, body.as_object_mut()) {
        map.insert("unionid".into(), json!(unionid));
    }
    body.to_string()
}

async fn with_faults(
    sim: &Simulator,
    target: FaultTarget,
    answer: impl Future<Output = Response>,
) -> Response {
    let fault = sim.lock().faults.pick(target);
    crate::fault::answer(fault, &LOOK, answer).await
}

fn html(body: String) -> Response {
    Response::builder()
        .status(StatusCode::OK)
        .header("Content-Type", "text/html; charset=utf-8")
        .body(body)
}

/// The parameters the QR page carries back to `POST /connect/qrconnect`.
const PASSED_ON: [&str; 5] = ["appid", "redirect_uri", "response_type", "scope", "state"];

fn qr_or_error(sim: &Simulator, params: &Params, error: Option<&str>) -> Response {
    let state = sim.lock();
    let app = match state.check_qrconnect(
        params.get("appid"),
        params.get("redirect_uri"),
        params.get("response_type"),
        params.get("scope"),
    ) {
        Ok(app) => app,
        Err(fail) => return html(error_page(fail)),
    };
    let users: Vec<&SimUser> = state.users().collect();
    let mut body = String::from("<h1>微信登录 <small>微信开放平台模拟器</small></h1>\n");
    body.push_str(&format!(
        "<p>使用微信扫一扫登录「{}」</p>\n",
        escape(app.display_name())
    ));
    // A stand-in QR code: a pattern derived from the state, nothing scannable.
    let seed = crate::ids::derive(&[params.get("state").unwrap_or_default(), &app.appid]);
    body.push_str("<div class=\"qr\" aria-hidden=\"true\">");
    for i in 0..81 {
        let dark = seed[i % 32] >> (i / 32) & 1 == 1;
        body.push_str(if dark {
            "<i class=\"b\"></i>"
        } else {
            "<i></i>"
        });
    }
    body.push_str("</div>\n");
    if let Some(error) = error {
        body.push_str(&format!("<p class=\"error\">{}</p>\n", escape(error)));
    }
    body.push_str("<form method=\"post\" action=\"/connect/qrconnect\">\n");
    body.push_str(&hidden_inputs(&params.pick(&PASSED_ON)));
    body.push_str(&user_picker(&users, "微信"));
    body.push_str("<button class=\"approve\" type=\"submit\" name=\"action\" value=\"confirm\">扫码确认</button>\n");
    body.push_str(
        "<button class=\"cancel\" type=\"submit\" name=\"action\" value=\"deny\">拒绝</button>\n",
    );
    body.push_str("</form>\n<p class=\"note\">这是 passport 的微信登录模拟器，不是真正的微信。“扫码确认”代替手机扫码并确认登录。</p>");
    html(page("微信登录 - 模拟器", ACCENT, &body))
}

fn error_page(fail: WechatFail) -> String {
    page(
        "微信登录 - 出错了",
        ACCENT,
        &format!(
            "<h1>请求参数错误</h1>\n<p class=\"error\">{}</p>\n<p class=\"note\">微信开放平台模拟器</p>",
            escape(fail.errmsg)
        ),
    )
}

/// `GET /connect/qrconnect`: the QR page, or WeChat's parameter error page.
#[handler]
async fn qr_page(req: &Request, body: Body, Data(sim): Data<&Simulator>) -> Response {
    let params = Params::read(req, body).await;
    with_faults(sim, FaultTarget::Qrconnect, async {
        qr_or_error(sim, &params, None)
    })
    .await
}

fn redirect(to: String) -> Response {
    Response::builder()
        .status(StatusCode::FOUND)
        .header("Location", to)
        .finish()
}

/// `POST /connect/qrconnect`: the phone confirmed (or denied) for the picked user.
#[handler]
async fn qr_confirm(req: &Request, body: Body, Data(sim): Data<&Simulator>) -> Response {
    let params = Params::read(req, body).await;
    with_faults(sim, FaultTarget::Qrconnect, async {
        let checked = sim
            .lock()
            .check_qrconnect(
                params.get("appid"),
                params.get("redirect_uri"),
                params.get("response_type"),
                params.get("scope"),
            )
            .map(|app| app.appid.clone());
        let appid = match checked {
            Ok(appid) => appid,
            Err(fail) => return html(error_page(fail)),
        };
        let redirect_uri = params.get("redirect_uri").unwrap_or_default();
        let state = params.get("state");
        if params.get("action") == Some("deny") {
            // Documented: a refusal redirects with `state` only, no `code`.
            let pairs: Vec<_> = state.map(|s| ("state", s)).into_iter().collect();
            return redirect(append_query(redirect_uri, &pairs));
        }
        let Some(user) = Directory::picked(params.get("sim_user_new"), params.get("sim_user"))
        else {
            return qr_or_error(
                sim,
                &params,
                Some("请选择或输入一个模拟的微信用户（最多 64 个字符）"),
            );
        };
        let code = {
            let mut s = sim.lock();
            if let Some(nickname) = params.get("sim_nickname") {
                s.ensure_user(user, Some(nickname));
            }
            s.mint_codes(&appid, redirect_uri, user, 1)
        };
        match code.map(|mut c| c.pop()) {
            Ok(Some(code)) => {
                let mut pairs = vec![("code", code.as_str())];
                pairs.extend(state.map(|s| ("state", s)));
                redirect(append_query(redirect_uri, &pairs))
            }
            Ok(None) => html(error_page(fails::INVALID_CODE)),
            Err(fail) => html(error_page(fail)),
        }
    })
    .await
}

/// `GET /sns/oauth2/access_token`: code → tokens, openid, unionid.
#[handler]
async fn access_token(req: &Request, body: Body, Data(sim): Data<&Simulator>) -> Response {
    let params = Params::read(req, body).await;
    with_faults(sim, FaultTarget::AccessToken, async {
        let result = sim.lock().exchange_code(
            params.get("appid"),
            params.get("secret"),
            params.get("code"),
            params.get("grant_type"),
        );
        match result {
            Ok(grant) => LOOK.ok(grant_body(&grant)),
            Err(fail) => error(fail),
        }
    })
    .await
}

/// `GET /sns/oauth2/refresh_token`.
#[handler]
async fn refresh_token(req: &Request, body: Body, Data(sim): Data<&Simulator>) -> Response {
    let params = Params::read(req, body).await;
    with_faults(sim, FaultTarget::RefreshToken, async {
        let result = sim.lock().refresh(
            params.get("appid"),
            params.get("grant_type"),
            params.get("refresh_token"),
        );
        match result {
            Ok(grant) => LOOK.ok(grant_body(&grant)),
            Err(fail) => error(fail),
        }
    })
    .await
}

/// `GET /sns/userinfo`.
#[handler]
async fn userinfo(req: &Request, body: Body, Data(sim): Data<&Simulator>) -> Response {
    let params = Params::read(req, body).await;
    with_faults(sim, FaultTarget::Userinfo, async {
        let state = sim.lock();
        match state.check_access(params.get("access_token"), params.get("openid")) {
            Ok((appid, user)) => {
                let openid = state.openid(&appid, &user);
                let unionid = state.unionid(&appid, &user);
                LOOK.ok(userinfo_body(
                    &state.user(&user),
                    &openid,
                    unionid.as_deref(),
                ))
            }
            Err(fail) => error(fail),
        }
    })
    .await
}

/// `GET /sns/auth`: is this access token valid for this openid?
#[handler]
async fn auth(req: &Request, body: Body, Data(sim): Data<&Simulator>) -> Response {
    let params = Params::read(req, body).await;
    with_faults(sim, FaultTarget::Auth, async {
        match sim
            .lock()
            .check_access(params.get("access_token"), params.get("openid"))
        {
            Ok(_) => LOOK.ok("{\"errcode\":0,\"errmsg\":\"ok\"}"),
            Err(fail) => error(fail),
        }
    })
    .await
}

#[handler]
fn overview(Data(sim): Data<&Simulator>) -> Json<serde_json::Value> {
    let state = sim.lock();
    let apps: Vec<_> = state
        .apps()
        .iter()
        .map(|a| json!({"appid": a.appid, "name": a.name, "redirect_uris": a.redirect_uris, "developer": a.developer}))
        .collect();
    let users: Vec<_> = state.users().collect();
    Json(json!({
        "apps": apps,
        "users": users,
        "now": state.now(),
        "offset_secs": state.clock.offset(),
    }))
}

fn fail_json(fail: WechatFail) -> Response {
    Json(json!({ "errcode": fail.errcode, "errmsg": fail.errmsg }))
        .with_status(StatusCode::BAD_REQUEST)
        .into_response()
}

/// `POST /_sim/codes {client_id (the appid), redirect_uri, sim_user, count?}`.
#[handler]
fn mint_codes(Data(sim): Data<&Simulator>, Json(req): Json<MintRequest>) -> Response {
    let (count, user) = match req.checked() {
        Ok(checked) => checked,
        Err(why) => return bad_request(why),
    };
    match sim
        .lock()
        .mint_codes(&req.client_id, &req.redirect_uri, user, count)
    {
        Ok(codes) => Json(json!({ "codes": codes })).into_response(),
        Err(fail) => fail_json(fail),
    }
}

#[derive(Deserialize)]
struct RevokeRequest {
    token: String,
}

#[handler]
fn revoke(Data(sim): Data<&Simulator>, Json(req): Json<RevokeRequest>) -> StatusCode {
    if sim.revoke(&req.token) {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::NOT_FOUND
    }
}

#[derive(Deserialize)]
struct OpenidQuery {
    client_id: String,
    sim_user: String,
}

#[handler]
fn control_openid(Data(sim): Data<&Simulator>, Query(q): Query<OpenidQuery>) -> Response {
    if sim.lock().app(&q.client_id).is_none() {
        return bad_request("unknown client_id");
    }
    Json(json!({
        "client_id": q.client_id,
        "sim_user": q.sim_user,
        "openid": sim.openid(&q.client_id, &q.sim_user),
        "unionid": sim.unionid(&q.client_id, &q.sim_user),
    }))
    .into_response()
}
