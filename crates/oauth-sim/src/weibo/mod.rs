//! A simulator of Weibo OAuth2 for website apps (api.weibo.com): the authorize page where a
//! person picks a user, `POST /oauth2/access_token` (no refresh grant for website apps),
//! `/oauth2/get_token_info`, `/oauth2/revokeoauth2` and `/2/users/show.json`, with Weibo's
//! error bodies. The wire reference is `docs/wire/weibo.md`.

pub mod state;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use poem::http::StatusCode;
use poem::web::{Data, Json};
use poem::{Body, EndpointExt, IntoResponse, Request, Response, Route, get, handler, post};
use serde::Deserialize;
use serde_json::json;

pub use state::{
    DEV_APP_KEY, DEV_APP_SECRET, Fault, FaultTarget, TEST_APP_KEY, TEST_APP_SECRET, WeiboApp,
    WeiboConfig, WeiboFail, fails,
};

use crate::SimUser;
use crate::control::{MintRequest, bad_request};
use crate::fault::Look;
use crate::html::{escape, hidden_inputs, page, user_picker};
use crate::ids::append_query;
use crate::params::Params;
use crate::users::Directory;

/// The simulator: cheap to clone, all clones share one state.
#[derive(Clone)]
pub struct Simulator {
    state: Arc<Mutex<state::WeiboState>>,
}

pub type RunningSim = crate::Running<Simulator>;

impl Simulator {
    pub fn new(config: WeiboConfig) -> Self {
        Self {
            state: Arc::new(Mutex::new(state::WeiboState::new(config))),
        }
    }

    pub fn dev() -> Self {
        Self::new(WeiboConfig::default())
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, state::WeiboState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn routes(&self) -> impl poem::Endpoint + 'static {
        let route = Route::new()
            .at(
                "/oauth2/authorize",
                get(authorize_page).post(authorize_submit),
            )
            .at("/oauth2/access_token", get(wrong_method).post(access_token))
            .at("/oauth2/get_token_info", get(wrong_method).post(token_info))
            .at(
                "/oauth2/revokeoauth2",
                get(revoke_oauth2).post(revoke_oauth2),
            )
            .at("/2/users/show.json", get(users_show))
            .at("/_sim", get(overview))
            .at("/_sim/codes", post(mint_codes))
            .at("/_sim/revoke", post(control_revoke));
        crate::control::routes(route, self).data(self.clone())
    }

    pub async fn start(&self, listen: &str) -> std::io::Result<RunningSim> {
        crate::server::start(listen, "weibo", self.routes(), self.clone()).await
    }

    /// One code as if `user` approved `client_id` for `redirect_uri`.
    pub fn mint_code(
        &self,
        client_id: &str,
        redirect_uri: &str,
        user: &str,
    ) -> Result<String, WeiboFail> {
        self.lock()
            .mint_codes(client_id, redirect_uri, user, 1)
            .map(|mut c| c.pop().unwrap_or_default())
    }

    pub fn advance_clock(&self, by: Duration) {
        self.lock()
            .clock
            .advance(i64::try_from(by.as_secs()).unwrap_or(i64::MAX));
    }

    pub fn now_unix(&self) -> i64 {
        self.lock().now()
    }

    pub fn add_fault(&self, fault: Fault) {
        self.lock().faults.add(fault);
    }

    pub fn clear_faults(&self) {
        self.lock().faults.clear();
    }

    pub fn revoke(&self, token: &str) -> bool {
        self.lock().revoke(token)
    }

    /// The uid of `user` (the same under every app).
    pub fn uid(&self, user: &str) -> u64 {
        self.lock().uid(user)
    }

    pub fn add_user(&self, user: SimUser) {
        self.lock().upsert_user(user);
    }
}

impl crate::control::Controlled for Simulator {
    type Target = FaultTarget;

    fn with_faults<R>(&self, f: impl FnOnce(&mut crate::fault::Faults<FaultTarget>) -> R) -> R {
        f(&mut self.lock().faults)
    }

    fn with_clock<R>(&self, f: impl FnOnce(&mut crate::clock::Clock) -> R) -> R {
        f(&mut self.lock().clock)
    }
}

/// api.weibo.com's headers (`docs/wire/weibo.md` §1).
const LOOK: Look = Look {
    server: "nginx",
    content_type: "application/json;charset=UTF-8",
    busy_page: "<!DOCTYPE html><html><head><title>新浪微博</title></head><body>系统繁忙，请稍后再试</body></html>",
};

/// Weibo orange.
const ACCENT: &str = "#ff8200";

async fn with_faults(
    sim: &Simulator,
    target: FaultTarget,
    answer: impl Future<Output = Response>,
) -> Response {
    let fault = sim.lock().faults.pick(target);
    crate::fault::answer(fault, &LOOK, answer).await
}

/// `{"error":…,"error_code":…,"request":…}` (+ `error_uri`/`error_description` on OAuth paths).
pub fn error_body(fail: WeiboFail, request: &str) -> String {
    if request.starts_with("/oauth2/") {
        json!({
            "error": fail.error,
            "error_code": fail.error_code,
            "request": request,
            "error_uri": request,
            "error_description": fail.error,
        })
        .to_string()
    } else {
        json!({ "error": fail.error, "error_code": fail.error_code, "request": request })
            .to_string()
    }
}

fn error(fail: WeiboFail, request: &str) -> Response {
    let mut response = LOOK.ok(error_body(fail, request));
    response.set_status(StatusCode::from_u16(fail.status).unwrap_or(StatusCode::BAD_REQUEST));
    response
}

fn html(body: String) -> Response {
    Response::builder()
        .status(StatusCode::OK)
        .header("Content-Type", "text/html; charset=utf-8")
        .body(body)
}

fn error_page(fail: WeiboFail) -> String {
    page(
        "微博登录 - 出错了",
        ACCENT,
        &format!(
            "<h1>授权错误</h1>\n<p class=\"error\">错误码:{} {}</p>\n<p class=\"note\">微博开放平台模拟器</p>",
            fail.error_code,
            escape(fail.error)
        ),
    )
}

const PASSED_ON: [&str; 5] = [
    "client_id",
    "redirect_uri",
    "response_type",
    "state",
    "scope",
];

fn consent_or_error(sim: &Simulator, params: &Params, error: Option<&str>) -> Response {
    let state = sim.lock();
    let app = match state.check_authorize(
        params.get("client_id"),
        params.get("redirect_uri"),
        params.get("response_type"),
    ) {
        Ok(app) => app,
        Err(fail) => return html(error_page(fail)),
    };
    let users: Vec<&SimUser> = state.users().collect();
    let mut body = String::from("<h1>微博登录 <small>微博开放平台模拟器</small></h1>\n");
    body.push_str(&format!(
        "<p><b>{}</b> 将获得以下权限：获得你的个人信息，好友关系</p>\n",
        escape(app.display_name())
    ));
    if let Some(error) = error {
        body.push_str(&format!("<p class=\"error\">{}</p>\n", escape(error)));
    }
    body.push_str("<form method=\"post\" action=\"/oauth2/authorize\">\n");
    body.push_str(&hidden_inputs(&params.pick(&PASSED_ON)));
    body.push_str(&user_picker(&users, "微博"));
    body.push_str("<button class=\"approve\" type=\"submit\" name=\"action\" value=\"approve\">授权</button>\n");
    body.push_str(
        "<button class=\"cancel\" type=\"submit\" name=\"action\" value=\"cancel\">取消</button>\n",
    );
    body.push_str("</form>\n<p class=\"note\">这是 passport 的微博登录模拟器，不是真正的微博。同一用户在所有应用下的 uid 相同。</p>");
    html(page("微博登录 - 模拟器", ACCENT, &body))
}

#[handler]
async fn authorize_page(req: &Request, body: Body, Data(sim): Data<&Simulator>) -> Response {
    let params = Params::read(req, body).await;
    with_faults(sim, FaultTarget::Authorize, async {
        consent_or_error(sim, &params, None)
    })
    .await
}

fn redirect(to: String) -> Response {
    Response::builder()
        .status(StatusCode::FOUND)
        .header("Location", to)
        .finish()
}

#[handler]
async fn authorize_submit(req: &Request, body: Body, Data(sim): Data<&Simulator>) -> Response {
    let params = Params::read(req, body).await;
    with_faults(sim, FaultTarget::Authorize, async {
        let checked = sim
            .lock()
            .check_authorize(
                params.get("client_id"),
                params.get("redirect_uri"),
                params.get("response_type"),
            )
            .map(|app| app.client_id.clone());
        let client_id = match checked {
            Ok(id) => id,
            Err(fail) => return html(error_page(fail)),
        };
        let redirect_uri = params.get("redirect_uri").unwrap_or_default();
        let state = params.get("state");
        if params.get("action") == Some("cancel") {
            let mut pairs = vec![
                ("error_uri", "/oauth2/authorize"),
                ("error", "access_denied"),
                ("error_description", "user denied your request."),
                ("error_code", "21330"),
            ];
            pairs.extend(state.map(|s| ("state", s)));
            return redirect(append_query(redirect_uri, &pairs));
        }
        let Some(user) = Directory::picked(params.get("sim_user_new"), params.get("sim_user"))
        else {
            return consent_or_error(
                sim,
                &params,
                Some("请选择或输入一个模拟的微博用户（最多 64 个字符）"),
            );
        };
        let code = {
            let mut s = sim.lock();
            if let Some(nickname) = params.get("sim_nickname") {
                s.ensure_user(user, Some(nickname));
            }
            s.mint_codes(&client_id, redirect_uri, user, 1)
        };
        match code.map(|mut c| c.pop()) {
            Ok(Some(code)) => {
                let mut pairs = vec![("code", code.as_str())];
                pairs.extend(state.map(|s| ("state", s)));
                redirect(append_query(redirect_uri, &pairs))
            }
            Ok(None) => html(error_page(fails::INVALID_GRANT)),
            Err(fail) => html(error_page(fail)),
        }
    })
    .await
}

#[handler]
fn wrong_method(req: &Request) -> Response {
    error(fails::METHOD, req.uri().path())
}

/// `POST /oauth2/access_token`: `uid` and `remind_in` as strings, `expires_in` a number.
#[handler]
async fn access_token(req: &Request, body: Body, Data(sim): Data<&Simulator>) -> Response {
    let params = Params::read(req, body).await;
    with_faults(sim, FaultTarget::AccessToken, async {
        let result = sim.lock().exchange_code(
            params.get("client_id"),
            params.get("client_secret"),
            params.get("grant_type"),
            params.get("code"),
            params.get("redirect_uri"),
        );
        match result {
            Ok(g) => LOOK.ok(json!({
                "access_token": g.access_token,
                "remind_in": g.expires_in.to_string(),
                "expires_in": g.expires_in,
                "uid": g.uid.to_string(),
                "isRealName": "true",
            })
            .to_string()),
            Err(fail) => error(fail, "/oauth2/access_token"),
        }
    })
    .await
}

#[handler]
async fn token_info(req: &Request, body: Body, Data(sim): Data<&Simulator>) -> Response {
    let params = Params::read(req, body).await;
    with_faults(sim, FaultTarget::GetTokenInfo, async {
        match sim.lock().token_info(params.get("access_token")) {
            Ok(info) => LOOK.ok(json!({
                "uid": info.uid,
                "appkey": info.appkey,
                "scope": null,
                "create_at": info.create_at,
                "expire_in": info.expire_in,
            })
            .to_string()),
            Err(fail) => error(fail, "/oauth2/get_token_info"),
        }
    })
    .await
}

#[handler]
async fn revoke_oauth2(req: &Request, body: Body, Data(sim): Data<&Simulator>) -> Response {
    let params = Params::read(req, body).await;
    let mut state = sim.lock();
    match params.get("access_token") {
        None => error(fails::SOURCE_MISSING, "/oauth2/revokeoauth2"),
        Some(token) if state.revoke(token) => LOOK.ok("{\"result\":\"true\"}"),
        Some(_) => error(fails::INVALID_ACCESS_TOKEN, "/oauth2/revokeoauth2"),
    }
}

/// A province/city code pair for the demographics the simulator's users carry (Weibo reports
/// codes; unknown places are 100/1000, "其他").
fn place_codes(user: &SimUser) -> (&'static str, &'static str) {
    match (user.province.as_str(), user.city.as_str()) {
        ("广东", "深圳") => ("44", "3"),
        ("北京", "海淀") => ("11", "8"),
        ("上海", _) => ("31", "1000"),
        ("浙江", "杭州") => ("33", "1"),
        _ => ("100", "1000"),
    }
}

/// The user object of `users/show.json` (the fields clients read, in Weibo's order).
pub fn user_body(uid: u64, user: &SimUser) -> String {
    let (province, city) = place_codes(user);
    let location = [user.province.as_str(), user.city.as_str()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    let image = |size: &str| {
        format!(
            "https://tvax1.sinaimg.cn/{size}/{}.jpg",
            hex::encode(&crate::ids::derive(&["weibo-avatar", &uid.to_string()])[..10])
        )
    };
    json!({
        "id": uid,
        "idstr": uid.to_string(),
        "class": 1,
        "screen_name": user.nickname,
        "name": user.nickname,
        "province": province,
        "city": city,
        "location": if location.is_empty() { "其他".to_owned() } else { location },
        "description": "",
        "url": "",
        "profile_image_url": image("crop.0.0.180.180.50"),
        "profile_url": format!("u/{uid}"),
        "domain": "",
        "weihao": "",
        "gender": if user.is_female() { "f" } else { "m" },
        "followers_count": 0,
        "friends_count": 0,
        "statuses_count": 0,
        "favourites_count": 0,
        "created_at": "Mon Jan 07 10:00:00 +0800 2019",
        "following": false,
        "verified": false,
        "verified_type": -1,
        "avatar_large": image("crop.0.0.180.180.180"),
        "avatar_hd": image("crop.0.0.180.180.1024"),
        "follow_me": false,
        "online_status": 0,
        "bi_followers_count": 0,
        "lang": "zh-cn",
    })
    .to_string()
}

#[handler]
async fn users_show(req: &Request, body: Body, Data(sim): Data<&Simulator>) -> Response {
    let params = Params::read(req, body).await;
    with_faults(sim, FaultTarget::UsersShow, async {
        let result = sim.lock().show(
            params.get("access_token"),
            params.get("uid"),
            params.get("screen_name"),
        );
        match result {
            Ok((uid, user)) => LOOK.ok(user_body(uid, &user)),
            Err(fail) => error(fail, "/2/users/show.json"),
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
        .map(|a| json!({"client_id": a.client_id, "name": a.name, "redirect_uris": a.redirect_uris, "token_ttl_secs": a.token_ttl_secs}))
        .collect();
    let users: Vec<_> = state
        .users()
        .map(|u| json!({"name": u.name, "nickname": u.nickname, "uid": state.uid(&u.name)}))
        .collect();
    Json(json!({
        "apps": apps,
        "users": users,
        "now": state.now(),
        "offset_secs": state.clock.offset(),
    }))
}

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
        Err(fail) => Json(json!({ "error": fail.error, "error_code": fail.error_code }))
            .with_status(StatusCode::BAD_REQUEST)
            .into_response(),
    }
}

#[derive(Deserialize)]
struct RevokeRequest {
    token: String,
}

#[handler]
fn control_revoke(Data(sim): Data<&Simulator>, Json(req): Json<RevokeRequest>) -> Response {
    if req.token.is_empty() {
        return bad_request("token is empty");
    }
    if sim.revoke(&req.token) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        StatusCode::NOT_FOUND.into_response()
    }
}

/// `passport weibo-sim` flags.
#[derive(Debug, Clone, clap::Args)]
pub struct WeiboSimArgs {
    /// Address to listen on.
    #[arg(
        long,
        env = "PASSPORT_WEIBO_SIM_LISTEN",
        default_value = "127.0.0.1:8004"
    )]
    pub listen: String,
    /// Add a simulated Weibo user (repeatable).
    #[arg(long = "user", value_name = "NAME[:NICKNAME]")]
    pub users: Vec<String>,
}

/// `passport weibo-sim`: serve until `shutdown`, after printing where and for whom.
pub async fn run_standalone(
    args: WeiboSimArgs,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let mut config = WeiboConfig::default();
    for flag in &args.users {
        let user = crate::users::parse_user_flag(flag).ok_or_else(|| {
            anyhow::anyhow!("invalid --user `{flag}` (expected NAME or NAME:NICKNAME)")
        })?;
        config = config.with_user(user);
    }
    let running = Simulator::new(config.clone())
        .start(&args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    println!("{}", banner(&running.url(), &config));
    running.run_until(shutdown).await?;
    Ok(())
}

/// What `passport weibo-sim` prints.
pub fn banner(url: &str, config: &WeiboConfig) -> String {
    let mut out = format!("\n  Weibo login simulator   {url}\n\n  apps:\n");
    for app in &config.apps {
        out.push_str(&format!(
            "    {:<12} {} (tokens live {} s)\n",
            app.client_id,
            app.display_name(),
            app.token_ttl_secs
        ));
    }
    let users: Vec<String> = config
        .users
        .iter()
        .map(|u| format!("{} ({})", u.name, u.nickname))
        .collect();
    out.push_str(&format!("  users: {}\n", users.join(", ")));
    out.push_str(&format!(
        "\n  try:  {url}/oauth2/authorize?client_id={DEV_APP_KEY}&redirect_uri=http://127.0.0.1:8000/oauth/weibo/callback&response_type=code&state=test\n  control: {url}/_sim (codes, faults, clock, revoke)\n"
    ));
    out
}
