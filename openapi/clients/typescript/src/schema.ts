// Generated from openapi/openapi.json by scripts/generate.mjs (`npm run generate`). Do not edit.

export interface paths {
    "/oauth/{provider}/authorize-url": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a provider's authorize URL / 获取第三方（QQ、微信、微博）授权登录地址
         * @description The authorize URL of `provider` (`qq`, `wechat`, `weibo`) for a login that returns to
         *     `next` (a same-site path, default `/`). The provider sends the browser back to the web
         *     app's `/oauth/{provider}/callback?code=…&state=…`.
         *
         *     Also sets the provider's login cookie (`passport_{provider}_login`): the state works only
         *     in this browser (call with credentials from another origin), only once, and only at this
         *     provider's callback. 502 `{provider}_unavailable` when this instance has no app there.
         */
        get: operations["getOauthAuthorizeUrl"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/oauth/{provider}/callback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Finish a social login / 完成第三方登录（用授权码登录或换取绑定凭证）
         * @description Finish a login at `provider`: exchange the code, then log in a bound user or ask to bind.
         *
         *     Needs the login cookie that `getOauthAuthorizeUrl` set in this browser for this provider
         *     (400 `state_not_this_browser` without it); each state works once (400 `state_used`) and
         *     only at the provider it was issued for (400 `state_invalid`).
         */
        post: operations["oauthCallback"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/oauth/{provider}/bind": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Bind to an existing account / 将第三方账号绑定到已有账号（验证密码）
         * @description Bind the ticket's identity (of this provider) to an existing account, proven by its
         *     password.
         */
        post: operations["oauthBind"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/oauth/{provider}/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Register with a provider / 用第三方账号注册新账号（手机号 + 短信验证码）
         * @description Create an account for the ticket's identity (mobile proven by an SMS code) and bind it.
         */
        post: operations["oauthRegister"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/oauth/{provider}/link": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Link to the signed-in account / 将第三方账号绑定到当前登录的账号
         * @description Bind the ticket's identity to the signed-in account: the account page's "绑定" runs
         *     `getOauthAuthorizeUrl` (next=/account), the callback answers `bind_required`, then this.
         *     409 `{provider}_already_bound` when the identity belongs to another account,
         *     `account_already_bound` when this account already has a binding of this provider.
         */
        post: operations["oauthLink"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/sms/codes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a 6-digit SMS code for a purpose / 发送短信验证码（注册、登录或重置密码）
         * @description `qq_register` needs the live bind ticket of the registration (QQ, WeChat or Weibo); `signup`, `login` and
         *     `reset_password` need the captcha as the policy says (under `risk`, always). `signup` and
         *     `qq_register` answer 409 `mobile_taken` when the mobile already has an account (nothing
         *     is sent; sign in instead). `login` and `reset_password` answer 202 whether or not the
         *     mobile has an account; the code is sent only when it has (no enumeration). Once per 60
         *     seconds per mobile; quotas per client (hour and day), per mobile (day) and for the whole
         *     service (day), shared by all purposes, answer 429 with `retry_after`.
         *
         *     `qq_register` 需要第三方（QQ、微信、微博）登录返回的有效绑定凭证；`signup`、`login`、`reset_password` 按策略需要
         *     安全验证（risk 策略下总是需要）。注册用途下手机号已注册时返回 409 `mobile_taken`，不发送短信。
         *     登录和重置密码用途无论手机号是否注册都返回 202，只有已注册的手机号才会收到短信。同一手机号
         *     60 秒内只能发送一次，每个客户端每小时、每天以及全站每天的条数有上限（各用途共用）。
         */
        post: operations["sendSmsCode"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/users/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in with a password / 用密码登录
         * @description Sign in with username, mobile or email and a password.
         */
        post: operations["login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/users/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The signed-in user / 获取当前登录用户及其绑定
         * @description The signed-in user and their bindings.
         */
        get: operations["getMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Edit nickname and avatar / 修改昵称和头像
         * @description Absent fields stay as they are; `avatar: ""` removes the avatar. 409 `nickname_taken`.
         *
         *     未提供的字段保持不变；头像须为 https 地址，传空字符串表示移除头像。
         */
        patch: operations["updateMe"];
        trace?: never;
    };
    "/users/me/bindings/{provider}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Unbind a provider / 解除 QQ、微信或微博绑定
         * @description Remove the signed-in user's binding at `provider` (`qq`, `wechat`, `weibo`): allowed while
         *     a password or a binding at another provider still lets them in (409
         *     `last_login_method` otherwise); 404 `{provider}_not_bound` when there is none. The owner
         *     is told by mail; audited as `qq_binding.unbind`.
         *
         *     解除绑定后须仍能登录：已设置密码，或还绑定着其他登录方式。
         */
        delete: operations["oauthUnbind"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign up with a mobile and an SMS code / 手机号注册
         * @description Creates the account (a generated `rr_…` username, changeable once) with the mobile, the
         *     nickname and the password, and consumes the `signup` code, in one transaction; answers
         *     logged in. 409 `nickname_taken` / `mobile_taken`; the code stays usable then.
         *
         *     使用手机号和短信验证码（用途 `signup`）注册，成功后直接登录。昵称或手机号已被使用时返回 409，
         *     验证码仍可继续使用。
         */
        post: operations["signup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/users/login/sms": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in with an SMS code / 短信验证码登录
         * @description Throttled like password login (per account and per client, 429 `too_many_attempts`). A
         *     wrong code, a code for another purpose and a mobile without an account are all 400
         *     `sms_code_invalid`; a locked account 403 `account_locked`.
         *
         *     使用手机号和短信验证码（用途 `login`）登录；与密码登录共用失败次数限制。
         */
        post: operations["loginSms"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/users/availability": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Is a nickname or mobile free? / 检查昵称、手机号是否可用
         * @description For the sign-up and QQ registration forms, before the SMS is requested or the form
         *     submitted. Answers only about what was asked. Throttled per client (30 a minute, then
         *     429 `too_many_attempts`). A taken mobile is visible here, as on every sign-up page; the
         *     sign-in and reset paths never reveal it.
         *
         *     注册表单用：检查昵称和手机号能否使用（每个客户端每分钟 30 次）。
         */
        get: operations["checkAvailability"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/users/me/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Change the password / 修改密码
         * @description Needs the current password (400 `current_password_required` / `wrong_password`,
         *     throttled like logins); an account made through QQ without a password sets its first one
         *     after a QQ login within the last 10 minutes (400 `recent_qq_login_required`). Every
         *     session ends (the token version is bumped); the answer carries a new token. The owner is
         *     told at the verified email.
         *
         *     需要当前密码；没有密码的 QQ 账号需在 10 分钟内用 QQ 登录过才能设置密码。修改后其他登录全部失效，
         *     返回新的令牌，并邮件通知账号主人。
         */
        put: operations["changePassword"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/users/me/username": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Replace the generated username, once / 修改用户名（仅一次）
         * @description Allowed while the username is still the generated `rr_…` one; 409
         *     `username_already_changed` afterwards, 409 `username_taken` when another account has it.
         *
         *     系统生成的 `rr_…` 用户名可以修改一次；已修改过或用户名已被使用时返回 409。
         */
        put: operations["changeUsername"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/password-resets/sms": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Set a new password with an SMS code / 短信验证码重置密码
         * @description The `reset_password` code (sent only to a mobile with an account) sets the password once,
         *     ends every session and tells the owner at the verified email. 400 `sms_code_invalid`
         *     (wrong, used, another purpose, no account), `sms_code_expired`,
         *     `sms_code_too_many_attempts`, `invalid_password`.
         *
         *     使用用途为 `reset_password` 的短信验证码设置新密码；成功后所有登录失效，并邮件通知账号主人。
         */
        post: operations["resetPasswordBySms"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/password-resets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Request a reset link by email / 通过邮箱申请重置密码链接
         * @description Ask for a reset link. Always 202 with the same body, whether or not the address has an
         *     account; throttled per address and per client (beyond it, still 202, nothing is sent).
         */
        post: operations["requestPasswordReset"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/password-resets/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Set a new password with a reset link / 用重置链接设置新密码
         * @description Set a new password with the token of a reset link.
         */
        post: operations["confirmPasswordReset"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/users/me/email": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Set the account's email / 设置账号邮箱（发送验证链接）
         * @description Set the signed-in account's email: a verification link is mailed to it; the address is
         *     the account's once the link is followed. Needs the current password (throttled like
         *     logins), or for an account without one a QQ login within the last 10 minutes. A new
         *     request voids every older link.
         */
        put: operations["changeEmail"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/email-verifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Verify an email / 验证邮箱（打开验证链接）
         * @description Follow an email verification link.
         */
        post: operations["verifyEmail"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/version": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Server name and version / 服务名称和版本 */
        get: operations["getVersion"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The API index / 接口索引（名称、版本、文档链接）
         * @description The API's index: name, version, and links to the docs and the spec.
         */
        get: operations["getApiIndex"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/bindings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List bindings / 查询 QQ、微信、微博绑定列表（仅管理员）
         * @description QQ, WeChat and Weibo bindings, searched, filtered, sorted and paged (staff only).
         *
         *     `provider` keeps one provider's bindings (all when absent). `q` matches an exact openid
         *     (Weibo: uid) or unionid, or a prefix (case-sensitive) of the username, the user's
         *     nickname or the nickname at the provider. `status`: `fresh` (refresh ok, token expires in more
         *     than 7 days), `expiring` (refresh ok, expires within 7 days), `expired` (refresh ok,
         *     `token_expires_at <= now`), `refresh_failed` (the refresher gave up). Paging: pass the
         *     previous answer's `next_cursor` as `cursor` (keyset, equally fast at any depth), or
         *     `page` (1-based) with `per_page` (1–100, default 20); a cursor wins over `page`.
         */
        get: operations["adminListBindings"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/bindings/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One binding / 查看绑定详情（仅管理员）
         * @description One binding with its whole openid, token history and audit entries (never its tokens).
         */
        get: operations["adminGetBinding"];
        put?: never;
        post?: never;
        /**
         * Unbind a binding / 解除绑定（须填原因，记入审计，仅管理员）
         * @description Unbind: delete the binding (the account stays). `reason` is required (400
         *     `reason_required` when missing or blank); audited as `qq_binding.unbind` with it.
         */
        delete: operations["adminUnbindBinding"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/bindings/{id}/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Refresh a binding's token now / 立即刷新令牌（仅管理员）
         * @description Refresh the binding's token now through its provider (QQ, WeChat): queues a refresh job
         *     (at most one live job per binding; asking again returns the queued one). Audited as
         *     `qq_binding.refresh`. Weibo has no refresh grant for websites: 409
         *     `binding_not_refreshable` (its token is renewed at the user's next Weibo login).
         */
        post: operations["adminRefreshBinding"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The job queue / 查看任务队列（仅管理员）
         * @description The job queue: counts by state, and the newest jobs (of one `state`, or all) with their
         *     last error. Payloads are not shown.
         */
        get: operations["adminListJobs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/jobs/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Retry a job / 重试任务（仅管理员）
         * @description Put a discarded or retryable job back in the queue now with fresh attempts. Audited as
         *     `job.retry`.
         */
        post: operations["adminRetryJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/qq/unionid-backfill": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The latest QQ unionid back-fill / 查看最近一次 unionid 补全（仅管理员）
         * @description The latest run of the QQ unionid back-fill: its state, counts so far (updated after each
         *     page while it runs), when it was queued, started and finished; `latest` is null when no
         *     run was ever made.
         */
        get: operations["adminGetUnionidBackfill"];
        put?: never;
        /**
         * Start a QQ unionid back-fill / 补全 QQ unionid（后台任务，仅管理员）
         * @description Queue one background run of the QQ unionid back-fill (as `passport qq backfill-unionid`
         *     at its default rate): bindings without a unionid get the one QQ reports for their stored
         *     access token. At most one run is live: while one is queued or running, asking again
         *     (another click, another admin) answers that run with `already_running: true` instead of
         *     starting a second. Audited as `qq_unionid.backfill`; the run's end as
         *     `qq_unionid.backfill_finished` with its counts. An app without QQ's unionid permission
         *     ends the run as `not_permitted` with a Chinese `message`.
         */
        post: operations["adminStartUnionidBackfill"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/stats/daily": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Daily statistics / 每日统计：各渠道登录与新增绑定（仅管理员）
         * @description Social sign-ins and new bindings per Beijing-time day, in total and per provider (QQ,
         *     WeChat, Weibo), for the last `days` days (1–90, default 30), today included.
         */
        get: operations["adminDailyStats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The audit log, filtered and paged / 操作审计日志
         * @description Every filter narrows; none gives every entry. `actor`: the staff member's username;
         *     `action`: e.g. `user.lock`, `qq_binding.unbind`; `target_type` with `target_id`: one
         *     target, also after it was deleted (an unbound binding); `from` (inclusive) and `to`
         *     (exclusive): RFC 3339 times. Newest first; `page` (1-based), `per_page` (1–100, default
         *     20).
         *
         *     按操作人、操作类型、操作对象和时间筛选审计记录，最新的在前。
         */
        get: operations["adminListAudit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Find users / 查找用户
         * @description `q`: a prefix (case-sensitive; emails compare lowercased) of the username, nickname,
         *     mobile or email; all users without it. Newest first; `page` (1-based), `per_page` (1–100,
         *     default 20).
         *
         *     按用户名、昵称、手机号或邮箱的前缀搜索用户（区分大小写），最新注册的在前。
         */
        get: operations["adminListUsers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One user with their bindings and audit entries / 用户详情
         * @description 用户资料、QQ/微信/微博绑定和针对该用户的管理操作记录。
         */
        get: operations["adminGetUser"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/users/{id}/lock": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Lock an account / 锁定账号
         * @description Every sign-in (password, SMS code, QQ) is refused with 403 `account_locked` and every
         *     open session ends (the token version is bumped). Audited as `user.lock` with the reason.
         *
         *     锁定后密码、短信验证码和 QQ 登录都会被拒绝（403 `account_locked`），已登录的会话立即失效。
         */
        post: operations["adminLockUser"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/users/{id}/unlock": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Unlock an account / 解除锁定
         * @description The owner may sign in again (sessions ended by the lock stay ended). Audited as
         *     `user.unlock` with the reason.
         *
         *     解除锁定后账号可以重新登录；锁定时失效的会话不会恢复。
         */
        post: operations["adminUnlockUser"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/users/{id}/force-password-reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Force a password reset / 强制重置密码
         * @description Ends every session and mails a reset link to the verified email; 409 `no_verified_email`
         *     when there is none. The password keeps working until the link is used. Audited as
         *     `user.force_password_reset`.
         *
         *     使所有会话失效，并向已验证的邮箱发送重置链接；没有已验证邮箱时返回 409。
         */
        post: operations["adminForcePasswordReset"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/captcha/config": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Captcha settings for the page / 获取安全验证（验证码）配置
         * @description How to show the captcha: the policy, the app id and the script to load. Protected
         *     requests (password login, QQ bind, SMS codes) answer 400 `captcha_required` when they need
         *     a `captcha` and 400 `captcha_failed` when the one sent did not pass.
         */
        get: operations["getCaptchaConfig"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** Accepted */
        Accepted: {
            /** @description What to tell the person (the same whatever happened). */
            message: string;
        };
        AdminDailyStatsError400: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "invalid_days" | "invalid_request";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminDailyStatsError401: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "token_expired" | "token_revoked" | "unauthorized";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminDailyStatsError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "cors_not_allowed" | "forbidden";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminDailyStatsError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminDailyStatsError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminForcePasswordResetError400: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "invalid_request" | "reason_required" | "reason_too_long";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminForcePasswordResetError401: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "token_expired" | "token_revoked" | "unauthorized";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminForcePasswordResetError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "cors_not_allowed" | "forbidden";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminForcePasswordResetError404: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "user_not_found";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminForcePasswordResetError409: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "no_verified_email";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminForcePasswordResetError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminForcePasswordResetError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminGetBindingError400: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "invalid_request";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminGetBindingError401: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "token_expired" | "token_revoked" | "unauthorized";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminGetBindingError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "cors_not_allowed" | "forbidden";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminGetBindingError404: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "binding_not_found";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminGetBindingError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminGetBindingError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminGetUnionidBackfillError401: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "token_expired" | "token_revoked" | "unauthorized";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminGetUnionidBackfillError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "cors_not_allowed" | "forbidden";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminGetUnionidBackfillError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminGetUnionidBackfillError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminGetUserError400: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "invalid_request";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminGetUserError401: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "token_expired" | "token_revoked" | "unauthorized";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminGetUserError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "cors_not_allowed" | "forbidden";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminGetUserError404: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "user_not_found";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminGetUserError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminGetUserError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminListAuditError400: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "invalid_page" | "invalid_per_page" | "invalid_request";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminListAuditError401: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "token_expired" | "token_revoked" | "unauthorized";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminListAuditError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "cors_not_allowed" | "forbidden";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminListAuditError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminListAuditError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminListBindingsError400: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "invalid_cursor" | "invalid_page" | "invalid_per_page" | "invalid_request" | "query_too_long";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminListBindingsError401: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "token_expired" | "token_revoked" | "unauthorized";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminListBindingsError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "cors_not_allowed" | "forbidden";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminListBindingsError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminListBindingsError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminListJobsError400: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "invalid_page" | "invalid_per_page" | "invalid_request";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminListJobsError401: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "token_expired" | "token_revoked" | "unauthorized";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminListJobsError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "cors_not_allowed" | "forbidden";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminListJobsError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminListJobsError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminListUsersError400: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "invalid_page" | "invalid_per_page" | "invalid_request" | "query_too_long";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminListUsersError401: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "token_expired" | "token_revoked" | "unauthorized";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminListUsersError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "cors_not_allowed" | "forbidden";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminListUsersError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminListUsersError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminLockUserError400: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "invalid_request" | "reason_required" | "reason_too_long";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminLockUserError401: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "token_expired" | "token_revoked" | "unauthorized";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminLockUserError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "cors_not_allowed" | "forbidden";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminLockUserError404: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "user_not_found";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminLockUserError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminLockUserError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        /** AdminReason */
        AdminReason: {
            /** @description Why (1–500 characters, not blank); kept in the audit log. */
            reason: string;
        };
        AdminRefreshBindingError400: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "invalid_request";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminRefreshBindingError401: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "token_expired" | "token_revoked" | "unauthorized";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminRefreshBindingError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "cors_not_allowed" | "forbidden";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminRefreshBindingError404: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "binding_not_found";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminRefreshBindingError409: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "binding_not_refreshable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminRefreshBindingError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminRefreshBindingError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminRetryJobError400: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "invalid_request";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminRetryJobError401: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "token_expired" | "token_revoked" | "unauthorized";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminRetryJobError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "cors_not_allowed" | "forbidden";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminRetryJobError404: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "job_not_found";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminRetryJobError409: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "job_conflict" | "job_not_retryable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminRetryJobError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminRetryJobError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminStartUnionidBackfillError401: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "token_expired" | "token_revoked" | "unauthorized";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminStartUnionidBackfillError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "cors_not_allowed" | "forbidden";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminStartUnionidBackfillError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminStartUnionidBackfillError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminUnbindBindingError400: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "invalid_request" | "reason_required" | "reason_too_long";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminUnbindBindingError401: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "token_expired" | "token_revoked" | "unauthorized";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminUnbindBindingError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "cors_not_allowed" | "forbidden";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminUnbindBindingError404: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "binding_not_found";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminUnbindBindingError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AdminUnbindBindingError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        /**
         * AdminUserBinding
         * @description One of the user's bindings, without tokens.
         */
        AdminUserBinding: {
            /**
             * Format: int64
             * @description The binding's id (`/admin/bindings/{id}`).
             */
            id: number;
            /** @description `qq`, `wechat` or `weibo`. */
            provider: components["schemas"]["OauthProvider"] & unknown;
            /** @description Masked subject at the provider (QQ/WeChat openid, Weibo uid). */
            openid: string;
            /** @description The nickname at the provider (the name predates WeChat and Weibo). */
            qq_nickname: string;
            /** @description The avatar URL at the provider; empty when none. */
            qq_avatar: string;
            /** Format: date-time */
            bound_at: string;
            /** Format: date-time */
            last_login_at?: string | null;
            /** Format: date-time */
            token_expires_at: string;
            refresh_status: components["schemas"]["RefreshStatusView"];
        };
        /** AdminUserDetail */
        AdminUserDetail: {
            user: components["schemas"]["AdminUserView"];
            /** @description The whole mobile (staff may need to read it to the person). */
            mobile?: string | null;
            /** @description The QQ binding, if any (also in `bindings`). */
            qq?: (components["schemas"]["AdminUserBinding"] & unknown) | null;
            /** @description Every binding of the user: QQ, WeChat, Weibo order. */
            bindings: components["schemas"]["AdminUserBinding"][];
            /**
             * @description Staff actions on this user (`user.lock`, `user.unlock`, `user.force_password_reset`),
             *     newest first, at most 100.
             */
            audit: components["schemas"]["AuditEntryView"][];
        };
        /** AdminUserPage */
        AdminUserPage: {
            /** @description Newest first. */
            items: components["schemas"]["AdminUserView"][];
            /** Format: uint64 */
            page: number;
            /** Format: uint64 */
            per_page: number;
            /**
             * Format: uint64
             * @description Users matching the search.
             */
            total: number;
        };
        /**
         * AdminUserView
         * @description A user as the panel lists them.
         */
        AdminUserView: {
            /** Format: int64 */
            id: number;
            username: string;
            nickname: string;
            avatar: string;
            /** @description `138****8000`. */
            mobile_masked?: string | null;
            /** @description The verified email. */
            email?: string | null;
            has_password: boolean;
            is_staff: boolean;
            /** @description Locked by staff: every sign-in is refused. */
            locked: boolean;
            /** Format: date-time */
            locked_at?: string | null;
            locked_reason?: string | null;
            /** Format: date-time */
            created_at: string;
        };
        /**
         * ApiIndex
         * @description `GET /api`: what this API is and where it is described.
         */
        ApiIndex: {
            /** @description Always `passport`. */
            name: string;
            /** @description The server's semantic version. */
            version: string;
            /** @description What the API is for, in Chinese. */
            description: string;
            /** @description Where to read more, as paths on this server. */
            links: components["schemas"]["ApiLinks"] & unknown;
        };
        /** ApiLinks */
        ApiLinks: {
            /** @description Interactive API docs (Swagger UI): `/docs`. */
            docs: string;
            /** @description The OpenAPI spec: `/openapi.json`. */
            openapi: string;
            /** @description Name and version alone: `/api/version`. */
            version: string;
        };
        /**
         * @description What staff did, as the audit log names it.
         * @enum {string}
         */
        AuditActionView: "qq_binding.refresh" | "qq_binding.unbind" | "job.retry" | "user.lock" | "user.unlock" | "user.force_password_reset" | "qq_unionid.backfill" | "qq_unionid.backfill_finished";
        /**
         * AuditActor
         * @description Who did an audited action.
         */
        AuditActor: {
            /** Format: int64 */
            id: number;
            /** @description Null when the account no longer exists. */
            username?: string | null;
        };
        /**
         * AuditEntryView
         * @description An audit log entry.
         */
        AuditEntryView: {
            /** Format: int64 */
            id: number;
            action: components["schemas"]["AuditActionView"];
            /** @description Null for the system or an actor since deleted. */
            actor?: (components["schemas"]["AuditActor"] & unknown) | null;
            reason?: string | null;
            /** @description Action-specific facts (masked identifiers only). */
            details?: unknown;
            /** Format: date-time */
            created_at: string;
        };
        /** AuditLog */
        AuditLog: {
            /** @description Newest first. */
            items: components["schemas"]["AuditEntryView"][];
            /** Format: uint64 */
            page: number;
            /** Format: uint64 */
            per_page: number;
            /**
             * Format: uint64
             * @description Entries matching the filters.
             */
            total: number;
        };
        /**
         * @description What an audit entry is about.
         * @enum {string}
         */
        AuditTargetType: "qq_binding" | "job" | "user";
        /** AuthorizeUrl */
        AuthorizeUrl: {
            /** @description Send the browser here. */
            url: string;
            /**
             * @description The `state` inside `url`. Keep it (e.g. in sessionStorage) and check that the callback
             *     brings back the same one before posting it: that ties the login to this browser.
             */
            state: string;
        };
        AuthorizeUrlError400: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "invalid_next" | "invalid_request";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AuthorizeUrlError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "cors_not_allowed";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AuthorizeUrlError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AuthorizeUrlError502: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "qq_unavailable" | "wechat_unavailable" | "weibo_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        AuthorizeUrlError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        /**
         * Availability
         * @description Whether one value can be used.
         */
        Availability: {
            available: boolean;
            /** @description Why not. */
            reason?: (components["schemas"]["UnavailableReason"] & unknown) | null;
            /** @description What to tell the person, in Chinese. */
            message?: string | null;
        };
        /** AvailabilityAnswer */
        AvailabilityAnswer: {
            /** @description Present when `nickname` was asked about. */
            nickname?: (components["schemas"]["Availability"] & unknown) | null;
            /** @description Present when `mobile` was asked about. */
            mobile?: (components["schemas"]["Availability"] & unknown) | null;
        };
        /** BindRequest */
        BindRequest: {
            bind_ticket: string;
            /** @description Username, mobile or email of the existing account. */
            account: string;
            password: string;
            /** @description The solved captcha, when the server asks for one (`captcha_required`). */
            captcha?: components["schemas"]["CaptchaTicket"] & unknown;
        };
        /** BindRequired */
        BindRequired: {
            /**
             * @description Names this identity for `/oauth/{provider}/bind`, `/register` or `/link` (of the same
             *     provider); valid 10 minutes, once.
             */
            bind_ticket: string;
            profile: components["schemas"]["SocialProfile"];
            next: string;
        };
        /**
         * BindingDetail
         * @description The drawer: everything about one binding except its tokens.
         */
        BindingDetail: {
            /**
             * Format: int64
             * @description The binding's id (path parameter of the detail, refresh and unbind endpoints).
             */
            id: number;
            /** @description Where the identity is: `qq`, `wechat` or `weibo`. */
            provider: components["schemas"]["OauthProvider"] & unknown;
            /** @description The Renran account. */
            user: components["schemas"]["UserView"] & unknown;
            /** @description The nickname at the provider (the name predates WeChat and Weibo). */
            qq_nickname: string;
            /** @description The avatar URL at the provider; empty when none. */
            qq_avatar: string;
            /**
             * @description The subject at the provider (QQ/WeChat openid, Weibo uid), masked: `D5A3…E0B2`, first
             *     and last four characters.
             */
            openid_masked: string;
            /** @description Whether a unionid is stored. */
            has_unionid: boolean;
            /** Format: date-time */
            bound_at: string;
            /**
             * Format: date-time
             * @description The last login through this binding (the bind itself counts as one).
             */
            last_login_at?: string | null;
            /** Format: date-time */
            token_expires_at: string;
            status: components["schemas"]["BindingStatusView"];
            /** @description Why the last refresh failed, when it did. */
            refresh_error?: string | null;
            /** @description The whole openid (only here, never in the list). */
            openid: string;
            unionid?: string | null;
            /**
             * Format: int64
             * @description Bumped on each token rotation.
             */
            token_version: number;
            /** Format: date-time */
            last_refreshed_at?: string | null;
            /** @description Newest first, at most 100. */
            token_events: components["schemas"]["TokenEventView"][];
            /** @description Audit entries about this binding, newest first, at most 100. */
            audit: components["schemas"]["AuditEntryView"][];
        };
        /**
         * BindingPage
         * @description One page of bindings.
         */
        BindingPage: {
            items: components["schemas"]["BindingSummary"][];
            /** @description Pass as `cursor` for the next page (keyset: as fast at any depth); null on the last page. */
            next_cursor?: string | null;
            /**
             * Format: uint64
             * @description The page number served, when paging by number (null when a cursor was given).
             */
            page?: number | null;
            /** Format: uint64 */
            per_page: number;
            /**
             * Format: int64
             * @description Matching bindings; see `total_kind`.
             */
            total: number;
            total_kind: components["schemas"]["TotalKindView"];
        };
        /**
         * @description Sort order of the bindings list; a leading `-` means descending. Each is served by an index.
         * @enum {string}
         */
        BindingSort: "-bound_at" | "bound_at" | "token_expires_at" | "-token_expires_at" | "-last_login_at" | "last_login_at" | "qq_nickname" | "-qq_nickname";
        /**
         * @description A binding's token status, computed at the time of the request.
         * @enum {string}
         */
        BindingStatusView: "fresh" | "expiring" | "expired" | "refresh_failed";
        /**
         * BindingSummary
         * @description One row of the bindings list. Never a token; the openid only masked.
         */
        BindingSummary: {
            /**
             * Format: int64
             * @description The binding's id (path parameter of the detail, refresh and unbind endpoints).
             */
            id: number;
            /** @description Where the identity is: `qq`, `wechat` or `weibo`. */
            provider: components["schemas"]["OauthProvider"] & unknown;
            /** @description The Renran account. */
            user: components["schemas"]["UserView"] & unknown;
            /** @description The nickname at the provider (the name predates WeChat and Weibo). */
            qq_nickname: string;
            /** @description The avatar URL at the provider; empty when none. */
            qq_avatar: string;
            /**
             * @description The subject at the provider (QQ/WeChat openid, Weibo uid), masked: `D5A3…E0B2`, first
             *     and last four characters.
             */
            openid_masked: string;
            /** @description Whether a unionid is stored. */
            has_unionid: boolean;
            /** Format: date-time */
            bound_at: string;
            /**
             * Format: date-time
             * @description The last login through this binding (the bind itself counts as one).
             */
            last_login_at?: string | null;
            /** Format: date-time */
            token_expires_at: string;
            status: components["schemas"]["BindingStatusView"];
            /** @description Why the last refresh failed, when it did. */
            refresh_error?: string | null;
        };
        /**
         * BindingView
         * @description One binding of the signed-in user, at one provider.
         */
        BindingView: {
            provider: components["schemas"]["OauthProvider"];
            /** @description The nickname at the provider (as of the last profile fetch). */
            nickname: string;
            /** @description The avatar URL at the provider; empty when none. */
            avatar: string;
            /** Format: date-time */
            bound_at: string;
            /** Format: date-time */
            last_login_at?: string | null;
            /**
             * Format: date-time
             * @description When the stored access token expires (Weibo's is renewed only at a login).
             */
            token_expires_at: string;
            /** @description `ok`, or why the background refresh failed (`refresh_failed`, …). */
            refresh_status: string;
        };
        /**
         * Bindings
         * @description The signed-in user's binding at each provider; null where there is none.
         */
        Bindings: {
            /** @description The QQ binding, if any. */
            qq?: (components["schemas"]["BindingView"] & unknown) | null;
            /** @description The WeChat (微信) binding, if any. */
            wechat?: (components["schemas"]["BindingView"] & unknown) | null;
            /** @description The Weibo (微博) binding, if any. */
            weibo?: (components["schemas"]["BindingView"] & unknown) | null;
        };
        /** CallbackRequest */
        CallbackRequest: {
            /**
             * @description `code` from the provider's redirect (up to 256 of `A-Z a-z 0-9 . _ ~ -`; anything else
             *     answers 400 `invalid_code`).
             */
            code: string;
            /** @description `state` from the provider's redirect. */
            state: string;
        };
        /** CaptchaConfig */
        CaptchaConfig: {
            policy: components["schemas"]["CaptchaPolicyView"];
            /** @description `CaptchaAppId` for `new TencentCaptcha(app_id, callback)`; absent when the policy is off. */
            app_id?: string;
            /** @description The captcha script to load (Tencent's, or the simulator's in dev); absent when off. */
            script_url?: string;
        };
        CaptchaConfigError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "cors_not_allowed";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        CaptchaConfigError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        CaptchaConfigError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        /**
         * @description When the server demands a captcha.
         * @enum {string}
         */
        CaptchaPolicyView: "off" | "risk" | "always";
        /**
         * CaptchaTicket
         * @description A solved captcha, as Tencent's JS hands it to the page (`res.ticket`, `res.randstr`). Send it
         *     with the request it protects; each ticket works once.
         */
        CaptchaTicket: {
            ticket: string;
            randstr: string;
        };
        ChangeEmailError400: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "current_password_required" | "invalid_email" | "invalid_request" | "recent_qq_login_required" | "wrong_password";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        ChangeEmailError401: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "token_expired" | "token_revoked" | "unauthorized";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        ChangeEmailError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "cors_not_allowed";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        ChangeEmailError429: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "too_many_attempts";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        ChangeEmailError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        ChangeEmailError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        ChangePasswordError400: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "current_password_required" | "invalid_password" | "invalid_request" | "recent_qq_login_required" | "wrong_password";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        ChangePasswordError401: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "token_expired" | "token_revoked" | "unauthorized";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        ChangePasswordError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "cors_not_allowed";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        ChangePasswordError429: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "too_many_attempts";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        ChangePasswordError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        ChangePasswordError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        ChangeUsernameError400: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "invalid_request" | "invalid_username";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        ChangeUsernameError401: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "token_expired" | "token_revoked" | "unauthorized";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        ChangeUsernameError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "cors_not_allowed";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        ChangeUsernameError409: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "username_already_changed" | "username_taken";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        ChangeUsernameError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        ChangeUsernameError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        CheckAvailabilityError400: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "invalid_request";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        CheckAvailabilityError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "cors_not_allowed";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        CheckAvailabilityError429: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "too_many_attempts";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        CheckAvailabilityError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        CheckAvailabilityError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        ConfirmPasswordResetError400: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "invalid_password" | "invalid_request";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        ConfirmPasswordResetError401: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "reset_token_expired" | "reset_token_invalid" | "reset_token_superseded" | "reset_token_used";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        ConfirmPasswordResetError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "cors_not_allowed";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        ConfirmPasswordResetError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        ConfirmPasswordResetError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        /** DailyStats */
        DailyStats: {
            /** @description Oldest first, one entry per day, today (Beijing time) last. */
            days: components["schemas"]["DayStats"][];
            /** @description The zone the days are counted in: `Asia/Shanghai` (UTC+8), as the dashboard's "今日". */
            time_zone: string;
        };
        /**
         * DayByProvider
         * @description A day's counts per provider.
         */
        DayByProvider: {
            qq: components["schemas"]["ProviderDayStats"];
            wechat: components["schemas"]["ProviderDayStats"];
            weibo: components["schemas"]["ProviderDayStats"];
        };
        /**
         * DayStats
         * @description One day (Beijing time) of the dashboard chart.
         */
        DayStats: {
            /** @description `YYYY-MM-DD` (Beijing time). */
            date: string;
            /**
             * Format: int64
             * @description Successful social sign-ins at every provider: returning users plus first logins that
             *     ended in a new binding (`by_provider` splits them).
             */
            logins: number;
            /**
             * Format: int64
             * @description Bindings made that day at every provider (still counted after an unbind).
             */
            new_bindings: number;
            /** @description The same counts per provider. */
            by_provider: components["schemas"]["DayByProvider"] & unknown;
        };
        /** EmailChange */
        EmailChange: {
            /** @description At most 254 characters. */
            email: string;
            /**
             * @description The account's current password. Accounts without one (made through QQ) leave it out and
             *     must have signed in with QQ within the last 10 minutes instead.
             */
            current_password?: string;
        };
        /** EmailVerification */
        EmailVerification: {
            /** @description The `token` of the verification link. */
            token: string;
        };
        /** EmailVerified */
        EmailVerified: {
            /** @description The account's email from now on. */
            email: string;
        };
        GetMeError401: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "token_expired" | "token_revoked" | "unauthorized";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        GetMeError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "cors_not_allowed";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        GetMeError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        GetMeError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        /**
         * JobCounts
         * @description How many jobs are in each state.
         */
        JobCounts: {
            /** Format: int64 */
            available: number;
            /** Format: int64 */
            running: number;
            /** Format: int64 */
            retryable: number;
            /** Format: int64 */
            completed: number;
            /** Format: int64 */
            discarded: number;
        };
        /**
         * @description What a job does.
         * @enum {string}
         */
        JobKindView: "mail" | "sms" | "qq_token_refresh" | "password_reset_request" | "sms_code_request" | "qq_unionid_backfill" | "wechat_token_refresh";
        /** JobPage */
        JobPage: {
            counts: components["schemas"]["JobCounts"];
            /** @description Newest first. */
            items: components["schemas"]["JobView"][];
            /** Format: uint64 */
            page: number;
            /** Format: uint64 */
            per_page: number;
        };
        /**
         * @description A job's states, for the `state` filter.
         * @enum {string}
         */
        JobStateView: "available" | "running" | "retryable" | "completed" | "discarded";
        /**
         * JobView
         * @description A job, without its payload (which may hold a reset link).
         */
        JobView: {
            /** Format: int64 */
            id: number;
            kind: components["schemas"]["JobKindView"];
            queue: string;
            state: components["schemas"]["JobStateView"];
            /**
             * Format: int32
             * @description Attempts made so far.
             */
            attempt: number;
            /** Format: int32 */
            max_attempts: number;
            /**
             * Format: date-time
             * @description When it runs (next).
             */
            run_at: string;
            last_error?: string | null;
            /**
             * Format: int64
             * @description For `qq_token_refresh` and `wechat_token_refresh`: the binding it refreshes.
             */
            binding_id?: number | null;
            /**
             * @description What the job is for, in Chinese, never a secret: whose mail (masked email), which SMS
             *     (masked mobile), which binding's refresh (id and masked openid).
             */
            subject?: string | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            /** Format: date-time */
            finished_at?: string | null;
        };
        /** LinkRequest */
        LinkRequest: {
            /** @description The ticket of a `bind_required` callback of the same provider. */
            bind_ticket: string;
        };
        /** LoggedIn */
        LoggedIn: {
            /** @description JWT for `Authorization: Bearer …`. */
            token: string;
            user: components["schemas"]["UserView"];
            /** @description Where to go now (a same-site path). */
            next: string;
        };
        LoginError400: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "captcha_failed" | "captcha_required" | "invalid_credentials" | "invalid_request";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        LoginError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "account_locked" | "cors_not_allowed";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        LoginError429: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "too_many_attempts";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        LoginError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        LoginError502: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "captcha_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        LoginError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        /** LoginRequest */
        LoginRequest: {
            /** @description Username, mobile or email. */
            account: string;
            password: string;
            /** @description The solved captcha, when the server asks for one (`captcha_required`). */
            captcha?: components["schemas"]["CaptchaTicket"] & unknown;
        };
        /** LoginResponse */
        LoginResponse: {
            /** @description JWT for `Authorization: Bearer …`. */
            token: string;
            user: components["schemas"]["UserView"];
        };
        LoginSmsError400: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "invalid_mobile" | "invalid_request" | "sms_code_expired" | "sms_code_invalid" | "sms_code_too_many_attempts";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        LoginSmsError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "account_locked" | "cors_not_allowed";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        LoginSmsError429: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "too_many_attempts";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        LoginSmsError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        LoginSmsError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        /** Me */
        Me: {
            /** Format: int64 */
            id: number;
            username: string;
            nickname: string;
            avatar: string;
            /** @description The whole mobile (kept for existing clients; pages show `mobile_masked`). */
            mobile?: string | null;
            /** @description The mobile for display, `138****8000`. */
            mobile_masked?: string | null;
            /**
             * @description Whether the username is still the generated `rr_…` one, which may be replaced once
             *     (`PUT /users/me/username`).
             */
            username_changeable: boolean;
            /** @description The verified email, if any (only a verified address receives reset links). */
            email?: string | null;
            /**
             * @description Whether a password is set (without one, a binding can be removed only while another
             *     binding remains).
             */
            has_password: boolean;
            is_staff: boolean;
            bindings: components["schemas"]["Bindings"];
        };
        OauthBindError400: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "captcha_failed" | "captcha_required" | "invalid_credentials" | "invalid_request";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        OauthBindError401: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "bind_ticket_expired" | "bind_ticket_invalid" | "bind_ticket_used";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        OauthBindError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "account_locked" | "cors_not_allowed";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        OauthBindError409: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "account_already_bound" | "qq_already_bound" | "wechat_already_bound" | "weibo_already_bound";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        OauthBindError429: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "too_many_attempts";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        OauthBindError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        OauthBindError502: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "captcha_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        OauthBindError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable" | "overloaded";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        OauthCallbackError400: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "invalid_code" | "invalid_request" | "state_expired" | "state_invalid" | "state_not_this_browser" | "state_used";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        OauthCallbackError401: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "qq_login_expired" | "wechat_login_expired" | "weibo_login_expired";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        OauthCallbackError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "account_locked" | "cors_not_allowed";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        OauthCallbackError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        OauthCallbackError502: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "qq_unavailable" | "wechat_unavailable" | "weibo_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        OauthCallbackError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable" | "overloaded";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        OauthLinkError400: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "invalid_request";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        OauthLinkError401: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "bind_ticket_expired" | "bind_ticket_invalid" | "bind_ticket_used" | "token_expired" | "token_revoked" | "unauthorized";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        OauthLinkError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "cors_not_allowed";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        OauthLinkError409: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "account_already_bound" | "qq_already_bound" | "wechat_already_bound" | "weibo_already_bound";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        OauthLinkError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        OauthLinkError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable" | "overloaded";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        /**
         * @description A sign-in provider: `qq`, `wechat` (微信) or `weibo` (微博).
         * @enum {string}
         */
        OauthProvider: "qq" | "wechat" | "weibo";
        OauthRegisterError400: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "invalid_mobile" | "invalid_nickname" | "invalid_password" | "invalid_request" | "sms_code_expired" | "sms_code_invalid" | "sms_code_too_many_attempts";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        OauthRegisterError401: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "bind_ticket_expired" | "bind_ticket_invalid" | "bind_ticket_used";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        OauthRegisterError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "cors_not_allowed";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        OauthRegisterError409: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "mobile_taken" | "nickname_taken" | "qq_already_bound" | "username_taken" | "wechat_already_bound" | "weibo_already_bound";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        OauthRegisterError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        OauthRegisterError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable" | "overloaded";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        OauthUnbindError400: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "invalid_request";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        OauthUnbindError401: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "token_expired" | "token_revoked" | "unauthorized";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        OauthUnbindError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "cors_not_allowed";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        OauthUnbindError404: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "qq_not_bound" | "wechat_not_bound" | "weibo_not_bound";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        OauthUnbindError409: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "last_login_method";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        OauthUnbindError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        OauthUnbindError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        /** PasswordChange */
        PasswordChange: {
            /**
             * @description The current password. An account without one (made through QQ) leaves it out and must
             *     have signed in with QQ within the last 10 minutes to set its first password.
             */
            current_password?: string;
            /** @description 8–128 characters, at least two of letters, digits and symbols. */
            new_password: string;
        };
        /** PasswordChanged */
        PasswordChanged: {
            /** @description A new JWT: every earlier token of this account (this one too) is revoked. */
            token: string;
        };
        /** ProfileUpdate */
        ProfileUpdate: {
            /** @description 2–20 characters; unchanged when absent. */
            nickname?: string;
            /**
             * @description An `https://` image URL (at most 512 characters), or empty to remove it; unchanged when
             *     absent.
             */
            avatar?: string;
        };
        /**
         * ProviderDayStats
         * @description One provider's share of a day.
         */
        ProviderDayStats: {
            /**
             * Format: int64
             * @description Successful sign-ins at this provider: returning users plus first logins that ended in a
             *     new binding.
             */
            logins: number;
            /**
             * Format: int64
             * @description Bindings of this provider made that day (still counted after an unbind).
             */
            new_bindings: number;
        };
        /** RefreshQueuedView */
        RefreshQueuedView: {
            /**
             * Format: int64
             * @description The live refresh job of this binding.
             */
            job_id: number;
            /** @description A refresh was already queued; no second job was added. */
            already_queued: boolean;
        };
        /**
         * @description Whether the refresher keeps the binding's token alive (Weibo's is never refreshed: `ok`).
         * @enum {string}
         */
        RefreshStatusView: "ok" | "refresh_failed";
        /** RegisterRequest */
        RegisterRequest: {
            bind_ticket: string;
            /** @description 2–20 characters. */
            nickname: string;
            /** @description Mainland China mobile, 11 digits (`+86` and spaces allowed). */
            mobile: string;
            /**
             * @description The 6-digit code sent by `POST /sms/codes` (purpose `qq_register`, with this ticket, for
             *     every provider).
             */
            sms_code: string;
            /** @description 8–128 characters, at least two of letters, digits and symbols. */
            password: string;
        };
        RequestPasswordResetError400: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "invalid_email" | "invalid_request";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        RequestPasswordResetError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "cors_not_allowed";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        RequestPasswordResetError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        RequestPasswordResetError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        /** ResetConfirm */
        ResetConfirm: {
            /** @description The `token` of the reset link. */
            token: string;
            /** @description 8–128 characters, at least two of letters, digits and symbols. */
            new_password: string;
        };
        ResetPasswordBySmsError400: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "invalid_mobile" | "invalid_password" | "invalid_request" | "sms_code_expired" | "sms_code_invalid" | "sms_code_too_many_attempts";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        ResetPasswordBySmsError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "cors_not_allowed";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        ResetPasswordBySmsError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        ResetPasswordBySmsError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        /** ResetRequest */
        ResetRequest: {
            /** @description At most 254 characters. */
            email: string;
        };
        SendSmsCodeError400: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "bind_ticket_required" | "captcha_failed" | "captcha_required" | "invalid_mobile" | "invalid_request";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        SendSmsCodeError401: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "bind_ticket_expired" | "bind_ticket_invalid" | "bind_ticket_used";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        SendSmsCodeError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "cors_not_allowed";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        SendSmsCodeError409: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "mobile_taken";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        SendSmsCodeError429: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "sms_daily_limit" | "sms_too_frequent";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        SendSmsCodeError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        SendSmsCodeError502: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "captcha_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        SendSmsCodeError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        SignupError400: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "invalid_mobile" | "invalid_nickname" | "invalid_password" | "invalid_request" | "sms_code_expired" | "sms_code_invalid" | "sms_code_too_many_attempts";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        SignupError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "cors_not_allowed";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        SignupError409: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "mobile_taken" | "nickname_taken" | "username_taken";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        SignupError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        SignupError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        /** SignupRequest */
        SignupRequest: {
            /** @description Mainland China mobile, 11 digits (`+86` and spaces allowed). */
            mobile: string;
            /** @description The 6-digit code sent by `POST /sms/codes` with purpose `signup`. */
            sms_code: string;
            /** @description 2–20 characters. */
            nickname: string;
            /** @description 8–128 characters, at least two of letters, digits and symbols. */
            password: string;
        };
        /**
         * @description What a code is for; it is accepted only for that.
         * @enum {string}
         */
        SmsCodePurpose: "qq_register" | "signup" | "login" | "reset_password";
        /** SmsCodeRequest */
        SmsCodeRequest: {
            /** @description Mainland China mobile, 11 digits (`+86` and spaces allowed). */
            mobile: string;
            /**
             * @description What the code is for; `qq_register` when absent (the registration form of a social
             *     login: QQ, WeChat or Weibo).
             * @default qq_register
             */
            purpose: components["schemas"]["SmsCodePurpose"] & unknown;
            /**
             * @description For `qq_register` (required there): the bind ticket of the registration the code is for
             *     (from the callback of any provider); it must be live (unused, unexpired).
             */
            bind_ticket?: string;
            /** @description The solved captcha, when the server asks for one (`captcha_required`). */
            captcha?: components["schemas"]["CaptchaTicket"] & unknown;
        };
        /** SmsCodeSent */
        SmsCodeSent: {
            /**
             * Format: uint64
             * @description Seconds before another code may be requested for this mobile.
             */
            retry_after: number;
            /**
             * Format: uint64
             * @description Seconds the code stays valid.
             */
            expires_in: number;
        };
        /** SmsLoginRequest */
        SmsLoginRequest: {
            /** @description Mainland China mobile, 11 digits (`+86` and spaces allowed). */
            mobile: string;
            /** @description The 6-digit code sent by `POST /sms/codes` with purpose `login`. */
            sms_code: string;
        };
        /** SmsResetRequest */
        SmsResetRequest: {
            /** @description The account's mobile. */
            mobile: string;
            /** @description The 6-digit code sent by `POST /sms/codes` with purpose `reset_password`. */
            sms_code: string;
            /** @description 8–128 characters, at least two of letters, digits and symbols. */
            new_password: string;
        };
        /** @description How a social login ends; `status` tells which. */
        SocialLoginResult: components["schemas"]["SocialLoginResult_LoggedIn"] | components["schemas"]["SocialLoginResult_BindRequired"];
        /** @description How a social login ends; `status` tells which. */
        SocialLoginResult_BindRequired: {
            /**
             * @example bind_required
             * @enum {string}
             */
            status: "bind_required";
        } & components["schemas"]["BindRequired"];
        /** @description How a social login ends; `status` tells which. */
        SocialLoginResult_LoggedIn: {
            /**
             * @example logged_in
             * @enum {string}
             */
            status: "logged_in";
        } & components["schemas"]["LoggedIn"];
        /** SocialProfile */
        SocialProfile: {
            /** @description The nickname at the provider, to prefill the forms. */
            nickname: string;
            /** @description The avatar URL at the provider; empty when none. */
            avatar: string;
        };
        SystemError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "cors_not_allowed";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        SystemError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        SystemError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        /**
         * @description What happened to a binding's tokens.
         * @enum {string}
         */
        TokenEventKindView: "bound" | "login" | "refresh" | "refresh_failed";
        /**
         * TokenEventView
         * @description One event of a binding's token history.
         */
        TokenEventView: {
            /** Format: int64 */
            id: number;
            kind: components["schemas"]["TokenEventKindView"];
            /** Format: date-time */
            at: string;
            /** @description For people: the new expiry, an error text. Never a token. */
            detail?: string | null;
            /**
             * Format: date-time
             * @description The access token's new expiry, when the event set one (structured `detail`).
             */
            token_expires_at?: string | null;
            /** @description The event in Chinese, times in Beijing time with the zone named, for the panel. */
            summary: string;
        };
        /**
         * @description How `total` was obtained.
         * @enum {string}
         */
        TotalKindView: "exact" | "estimate" | "at_least";
        /**
         * @description Why a value cannot be used (the codes the sign-up itself would answer).
         * @enum {string}
         */
        UnavailableReason: "invalid_nickname" | "invalid_mobile" | "nickname_taken" | "mobile_taken" | "unavailable";
        /**
         * UnionidBackfillCounts
         * @description What a run did so far, binding by binding.
         */
        UnionidBackfillCounts: {
            /**
             * Format: uint64
             * @description Bindings without a unionid looked at.
             */
            scanned: number;
            /**
             * Format: uint64
             * @description Unionids stored.
             */
            filled: number;
            /**
             * Format: uint64
             * @description Skipped: the stored access token has expired (filled at the user's next QQ login).
             */
            expired: number;
            /**
             * Format: uint64
             * @description Skipped: QQ refused the stored access token (filled at the user's next QQ login).
             */
            refused: number;
            /**
             * Format: uint64
             * @description Skipped: another binding already holds this unionid (left for an admin to sort out).
             */
            conflicts: number;
            /**
             * Format: uint64
             * @description Skipped: QQ answered for another openid than the binding's.
             */
            mismatched: number;
            /**
             * Format: uint64
             * @description Skipped: QQ failed; a new run retries them.
             */
            failed: number;
            /**
             * Format: int64
             * @description The highest binding id looked at.
             */
            last_id: number;
        };
        /**
         * UnionidBackfillRun
         * @description One QQ unionid back-fill run.
         */
        UnionidBackfillRun: {
            /**
             * Format: int64
             * @description Its job (see the job queue).
             */
            job_id: number;
            state: components["schemas"]["UnionidBackfillState"];
            /** @description The admin who asked for it. */
            requested_by: components["schemas"]["AuditActor"] & unknown;
            /** Format: date-time */
            queued_at: string;
            /** Format: date-time */
            started_at?: string | null;
            /** Format: date-time */
            finished_at?: string | null;
            /** @description Zero until it starts; growing while it runs. */
            counts: components["schemas"]["UnionidBackfillCounts"] & unknown;
            /** @description Why it ended early, in Chinese, fit to show (`not_permitted`, `misconfigured`). */
            message?: string | null;
            /** @description The job's last error, for developers (`retrying`, `failed`). */
            last_error?: string | null;
        };
        /** UnionidBackfillStarted */
        UnionidBackfillStarted: {
            /**
             * Format: int64
             * @description The live run's job.
             */
            job_id: number;
            /**
             * @description A run was already queued or running (another click, another admin): that one is
             *     answered and no second run was started.
             */
            already_running: boolean;
            run: components["schemas"]["UnionidBackfillRun"];
        };
        /**
         * @description How a QQ unionid back-fill run stands.
         * @enum {string}
         */
        UnionidBackfillState: "queued" | "running" | "retrying" | "completed" | "not_permitted" | "misconfigured" | "failed";
        /**
         * UnionidBackfillStatus
         * @description The latest back-fill run, for the panel.
         */
        UnionidBackfillStatus: {
            /** @description Null when no run was ever made. */
            latest?: (components["schemas"]["UnionidBackfillRun"] & unknown) | null;
        };
        UpdateMeError400: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "invalid_avatar" | "invalid_nickname" | "invalid_request";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        UpdateMeError401: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "token_expired" | "token_revoked" | "unauthorized";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        UpdateMeError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "cors_not_allowed";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        UpdateMeError409: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "nickname_taken";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        UpdateMeError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        UpdateMeError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        /**
         * UserView
         * @description The public face of a user (the seed's fields).
         */
        UserView: {
            /** Format: int64 */
            id: number;
            username: string;
            nickname: string;
            /** @description Avatar URL; empty when none. */
            avatar: string;
        };
        /** UsernameChange */
        UsernameChange: {
            /** @description 4–32 ASCII letters, digits, `_` and `-`, not all digits. */
            username: string;
        };
        VerifyEmailError400: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "invalid_request";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        VerifyEmailError401: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "email_token_expired" | "email_token_invalid" | "email_token_superseded" | "email_token_used";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        VerifyEmailError403: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "cors_not_allowed";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        VerifyEmailError409: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "email_taken";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        VerifyEmailError500: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "internal_error";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        VerifyEmailError503: {
            /**
             * @description Stable machine code: branch on it / 机器可读的错误码
             * @enum {string}
             */
            code: "database_unavailable";
            /** @description Human message in Chinese, fit to show / 中文提示，可直接展示 */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again.
             */
            retry_after?: number;
            /** @description Technical detail for developers (English), when it helps fix a request. */
            detail?: string;
        };
        /** VersionInfo */
        VersionInfo: {
            /** @description Always `passport`. */
            name: string;
            /** @description The server's semantic version. */
            version: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getOauthAuthorizeUrl: {
        parameters: {
            query?: {
                next?: string;
            };
            header?: never;
            path: {
                provider: components["schemas"]["OauthProvider"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /**
             * @description The URL and its state. `Set-Cookie` gives this browser the provider's login cookie
             *     (`passport_qq_login`, `passport_wechat_login` or `passport_weibo_login`; `HttpOnly;
             *     SameSite=Lax; Secure`, path `/api/oauth/{provider}`, 10 minutes) that the callback
             *     requires; a browser that already has one keeps it.
             */
            200: {
                headers: {
                    "SET-COOKIE": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AuthorizeUrl"];
                };
            };
            /** @description Bad input, nothing changed / 输入有误，未做任何改动 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AuthorizeUrlError400"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AuthorizeUrlError403"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AuthorizeUrlError500"];
                };
            };
            /** @description QQ, WeChat, Weibo or Tencent Cloud failed / QQ、微信、微博或腾讯云服务出错 */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AuthorizeUrlError502"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AuthorizeUrlError503"];
                };
            };
        };
    };
    oauthCallback: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                provider: components["schemas"]["OauthProvider"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json; charset=utf-8": components["schemas"]["CallbackRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["SocialLoginResult"];
                };
            };
            /** @description Bad input, nothing changed / 输入有误，未做任何改动 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["OauthCallbackError400"];
                };
            };
            /** @description Not signed in or not any more, or a bad link / 未登录、登录已失效或链接无效 */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["OauthCallbackError401"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["OauthCallbackError403"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["OauthCallbackError500"];
                };
            };
            /** @description QQ, WeChat, Weibo or Tencent Cloud failed / QQ、微信、微博或腾讯云服务出错 */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["OauthCallbackError502"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["OauthCallbackError503"];
                };
            };
        };
    };
    oauthBind: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                provider: components["schemas"]["OauthProvider"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json; charset=utf-8": components["schemas"]["BindRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["SocialLoginResult"];
                };
            };
            /** @description Bad input, nothing changed / 输入有误，未做任何改动 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["OauthBindError400"];
                };
            };
            /** @description Not signed in or not any more, or a bad link / 未登录、登录已失效或链接无效 */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["OauthBindError401"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["OauthBindError403"];
                };
            };
            /** @description Already bound, taken or done / 已绑定、已被占用或已处理 */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["OauthBindError409"];
                };
            };
            /** @description Rate-limited, wait `retry_after` seconds / 操作过于频繁，请等待 `retry_after` 秒后重试 */
            429: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["OauthBindError429"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["OauthBindError500"];
                };
            };
            /** @description QQ, WeChat, Weibo or Tencent Cloud failed / QQ、微信、微博或腾讯云服务出错 */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["OauthBindError502"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["OauthBindError503"];
                };
            };
        };
    };
    oauthRegister: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                provider: components["schemas"]["OauthProvider"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json; charset=utf-8": components["schemas"]["RegisterRequest"];
            };
        };
        responses: {
            /** @description Account created and bound; logged in. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["SocialLoginResult"];
                };
            };
            /** @description Bad input, nothing changed / 输入有误，未做任何改动 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["OauthRegisterError400"];
                };
            };
            /** @description Not signed in or not any more, or a bad link / 未登录、登录已失效或链接无效 */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["OauthRegisterError401"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["OauthRegisterError403"];
                };
            };
            /** @description Already bound, taken or done / 已绑定、已被占用或已处理 */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["OauthRegisterError409"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["OauthRegisterError500"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["OauthRegisterError503"];
                };
            };
        };
    };
    oauthLink: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                provider: components["schemas"]["OauthProvider"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json; charset=utf-8": components["schemas"]["LinkRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["BindingView"];
                };
            };
            /** @description Bad input, nothing changed / 输入有误，未做任何改动 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["OauthLinkError400"];
                };
            };
            /** @description Not signed in or not any more, or a bad link / 未登录、登录已失效或链接无效 */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["OauthLinkError401"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["OauthLinkError403"];
                };
            };
            /** @description Already bound, taken or done / 已绑定、已被占用或已处理 */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["OauthLinkError409"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["OauthLinkError500"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["OauthLinkError503"];
                };
            };
        };
    };
    sendSmsCode: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json; charset=utf-8": components["schemas"]["SmsCodeRequest"];
            };
        };
        responses: {
            /** @description The code is on its way. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["SmsCodeSent"];
                };
            };
            /** @description Bad input, nothing changed / 输入有误，未做任何改动 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["SendSmsCodeError400"];
                };
            };
            /** @description Not signed in or not any more, or a bad link / 未登录、登录已失效或链接无效 */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["SendSmsCodeError401"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["SendSmsCodeError403"];
                };
            };
            /** @description Already bound, taken or done / 已绑定、已被占用或已处理 */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["SendSmsCodeError409"];
                };
            };
            /** @description Rate-limited, wait `retry_after` seconds / 操作过于频繁，请等待 `retry_after` 秒后重试 */
            429: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["SendSmsCodeError429"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["SendSmsCodeError500"];
                };
            };
            /** @description QQ, WeChat, Weibo or Tencent Cloud failed / QQ、微信、微博或腾讯云服务出错 */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["SendSmsCodeError502"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["SendSmsCodeError503"];
                };
            };
        };
    };
    login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json; charset=utf-8": components["schemas"]["LoginRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["LoginResponse"];
                };
            };
            /** @description Bad input, nothing changed / 输入有误，未做任何改动 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["LoginError400"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["LoginError403"];
                };
            };
            /** @description Rate-limited, wait `retry_after` seconds / 操作过于频繁，请等待 `retry_after` 秒后重试 */
            429: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["LoginError429"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["LoginError500"];
                };
            };
            /** @description QQ, WeChat, Weibo or Tencent Cloud failed / QQ、微信、微博或腾讯云服务出错 */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["LoginError502"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["LoginError503"];
                };
            };
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["Me"];
                };
            };
            /** @description Not signed in or not any more, or a bad link / 未登录、登录已失效或链接无效 */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["GetMeError401"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["GetMeError403"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["GetMeError500"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["GetMeError503"];
                };
            };
        };
    };
    updateMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json; charset=utf-8": components["schemas"]["ProfileUpdate"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["UserView"];
                };
            };
            /** @description Bad input, nothing changed / 输入有误，未做任何改动 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["UpdateMeError400"];
                };
            };
            /** @description Not signed in or not any more, or a bad link / 未登录、登录已失效或链接无效 */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["UpdateMeError401"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["UpdateMeError403"];
                };
            };
            /** @description Already bound, taken or done / 已绑定、已被占用或已处理 */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["UpdateMeError409"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["UpdateMeError500"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["UpdateMeError503"];
                };
            };
        };
    };
    oauthUnbind: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                provider: components["schemas"]["OauthProvider"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Unbound. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad input, nothing changed / 输入有误，未做任何改动 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["OauthUnbindError400"];
                };
            };
            /** @description Not signed in or not any more, or a bad link / 未登录、登录已失效或链接无效 */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["OauthUnbindError401"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["OauthUnbindError403"];
                };
            };
            /** @description Not found / 不存在 */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["OauthUnbindError404"];
                };
            };
            /** @description Already bound, taken or done / 已绑定、已被占用或已处理 */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["OauthUnbindError409"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["OauthUnbindError500"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["OauthUnbindError503"];
                };
            };
        };
    };
    signup: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json; charset=utf-8": components["schemas"]["SignupRequest"];
            };
        };
        responses: {
            /** @description Account created; logged in. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["LoginResponse"];
                };
            };
            /** @description Bad input, nothing changed / 输入有误，未做任何改动 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["SignupError400"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["SignupError403"];
                };
            };
            /** @description Already bound, taken or done / 已绑定、已被占用或已处理 */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["SignupError409"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["SignupError500"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["SignupError503"];
                };
            };
        };
    };
    loginSms: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json; charset=utf-8": components["schemas"]["SmsLoginRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["LoginResponse"];
                };
            };
            /** @description Bad input, nothing changed / 输入有误，未做任何改动 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["LoginSmsError400"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["LoginSmsError403"];
                };
            };
            /** @description Rate-limited, wait `retry_after` seconds / 操作过于频繁，请等待 `retry_after` 秒后重试 */
            429: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["LoginSmsError429"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["LoginSmsError500"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["LoginSmsError503"];
                };
            };
        };
    };
    checkAvailability: {
        parameters: {
            query?: {
                nickname?: string;
                mobile?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AvailabilityAnswer"];
                };
            };
            /** @description Bad input, nothing changed / 输入有误，未做任何改动 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["CheckAvailabilityError400"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["CheckAvailabilityError403"];
                };
            };
            /** @description Rate-limited, wait `retry_after` seconds / 操作过于频繁，请等待 `retry_after` 秒后重试 */
            429: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["CheckAvailabilityError429"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["CheckAvailabilityError500"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["CheckAvailabilityError503"];
                };
            };
        };
    };
    changePassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json; charset=utf-8": components["schemas"]["PasswordChange"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["PasswordChanged"];
                };
            };
            /** @description Bad input, nothing changed / 输入有误，未做任何改动 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ChangePasswordError400"];
                };
            };
            /** @description Not signed in or not any more, or a bad link / 未登录、登录已失效或链接无效 */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ChangePasswordError401"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ChangePasswordError403"];
                };
            };
            /** @description Rate-limited, wait `retry_after` seconds / 操作过于频繁，请等待 `retry_after` 秒后重试 */
            429: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ChangePasswordError429"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ChangePasswordError500"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ChangePasswordError503"];
                };
            };
        };
    };
    changeUsername: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json; charset=utf-8": components["schemas"]["UsernameChange"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["UserView"];
                };
            };
            /** @description Bad input, nothing changed / 输入有误，未做任何改动 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ChangeUsernameError400"];
                };
            };
            /** @description Not signed in or not any more, or a bad link / 未登录、登录已失效或链接无效 */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ChangeUsernameError401"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ChangeUsernameError403"];
                };
            };
            /** @description Already bound, taken or done / 已绑定、已被占用或已处理 */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ChangeUsernameError409"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ChangeUsernameError500"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ChangeUsernameError503"];
                };
            };
        };
    };
    resetPasswordBySms: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json; charset=utf-8": components["schemas"]["SmsResetRequest"];
            };
        };
        responses: {
            /** @description Done. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad input, nothing changed / 输入有误，未做任何改动 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ResetPasswordBySmsError400"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ResetPasswordBySmsError403"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ResetPasswordBySmsError500"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ResetPasswordBySmsError503"];
                };
            };
        };
    };
    requestPasswordReset: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json; charset=utf-8": components["schemas"]["ResetRequest"];
            };
        };
        responses: {
            /** @description Accepted; if the address belongs to an account, a mail is on its way. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["Accepted"];
                };
            };
            /** @description Bad input, nothing changed / 输入有误，未做任何改动 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["RequestPasswordResetError400"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["RequestPasswordResetError403"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["RequestPasswordResetError500"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["RequestPasswordResetError503"];
                };
            };
        };
    };
    confirmPasswordReset: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json; charset=utf-8": components["schemas"]["ResetConfirm"];
            };
        };
        responses: {
            /** @description Done. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad input, nothing changed / 输入有误，未做任何改动 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ConfirmPasswordResetError400"];
                };
            };
            /** @description Not signed in or not any more, or a bad link / 未登录、登录已失效或链接无效 */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ConfirmPasswordResetError401"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ConfirmPasswordResetError403"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ConfirmPasswordResetError500"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ConfirmPasswordResetError503"];
                };
            };
        };
    };
    changeEmail: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json; charset=utf-8": components["schemas"]["EmailChange"];
            };
        };
        responses: {
            /** @description Accepted; if the address belongs to an account, a mail is on its way. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["Accepted"];
                };
            };
            /** @description Bad input, nothing changed / 输入有误，未做任何改动 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ChangeEmailError400"];
                };
            };
            /** @description Not signed in or not any more, or a bad link / 未登录、登录已失效或链接无效 */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ChangeEmailError401"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ChangeEmailError403"];
                };
            };
            /** @description Rate-limited, wait `retry_after` seconds / 操作过于频繁，请等待 `retry_after` 秒后重试 */
            429: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ChangeEmailError429"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ChangeEmailError500"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ChangeEmailError503"];
                };
            };
        };
    };
    verifyEmail: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json; charset=utf-8": components["schemas"]["EmailVerification"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["EmailVerified"];
                };
            };
            /** @description Bad input, nothing changed / 输入有误，未做任何改动 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["VerifyEmailError400"];
                };
            };
            /** @description Not signed in or not any more, or a bad link / 未登录、登录已失效或链接无效 */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["VerifyEmailError401"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["VerifyEmailError403"];
                };
            };
            /** @description Already bound, taken or done / 已绑定、已被占用或已处理 */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["VerifyEmailError409"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["VerifyEmailError500"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["VerifyEmailError503"];
                };
            };
        };
    };
    getVersion: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["VersionInfo"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["SystemError403"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["SystemError500"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["SystemError503"];
                };
            };
        };
    };
    getApiIndex: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ApiIndex"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["SystemError403"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["SystemError500"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["SystemError503"];
                };
            };
        };
    };
    adminListBindings: {
        parameters: {
            query?: {
                /** @description Only this provider's bindings; all when absent. */
                provider?: components["schemas"]["OauthProvider"];
                /** @description Search: openid, unionid (exact), username, nickname or QQ nickname (prefix). */
                q?: string;
                /** @description Token status filter. */
                status?: components["schemas"]["BindingStatusView"];
                /** @description Sort order, default `-bound_at`. */
                sort?: components["schemas"]["BindingSort"];
                /** @description 1-based page number, 1–1000000 (ignored when `cursor` is given). */
                page?: number;
                /** @description Rows per page, 1–100, default 20. */
                per_page?: number;
                /** @description `next_cursor` of the previous page, for the same `provider`, `q`, `status` and `sort`. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["BindingPage"];
                };
            };
            /** @description Bad input, nothing changed / 输入有误，未做任何改动 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminListBindingsError400"];
                };
            };
            /** @description Not signed in or not any more, or a bad link / 未登录、登录已失效或链接无效 */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminListBindingsError401"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminListBindingsError403"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminListBindingsError500"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminListBindingsError503"];
                };
            };
        };
    };
    adminGetBinding: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["BindingDetail"];
                };
            };
            /** @description Bad input, nothing changed / 输入有误，未做任何改动 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminGetBindingError400"];
                };
            };
            /** @description Not signed in or not any more, or a bad link / 未登录、登录已失效或链接无效 */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminGetBindingError401"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminGetBindingError403"];
                };
            };
            /** @description Not found / 不存在 */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminGetBindingError404"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminGetBindingError500"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminGetBindingError503"];
                };
            };
        };
    };
    adminUnbindBinding: {
        parameters: {
            query?: {
                /** @description Why (required, 1–500 characters); kept in the audit log. */
                reason?: string;
            };
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Unbound (the binding is deleted; the account stays). */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad input, nothing changed / 输入有误，未做任何改动 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminUnbindBindingError400"];
                };
            };
            /** @description Not signed in or not any more, or a bad link / 未登录、登录已失效或链接无效 */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminUnbindBindingError401"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminUnbindBindingError403"];
                };
            };
            /** @description Not found / 不存在 */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminUnbindBindingError404"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminUnbindBindingError500"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminUnbindBindingError503"];
                };
            };
        };
    };
    adminRefreshBinding: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A refresh job is queued (the refresher does the work). */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["RefreshQueuedView"];
                };
            };
            /** @description Bad input, nothing changed / 输入有误，未做任何改动 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminRefreshBindingError400"];
                };
            };
            /** @description Not signed in or not any more, or a bad link / 未登录、登录已失效或链接无效 */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminRefreshBindingError401"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminRefreshBindingError403"];
                };
            };
            /** @description Not found / 不存在 */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminRefreshBindingError404"];
                };
            };
            /** @description Already bound, taken or done / 已绑定、已被占用或已处理 */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminRefreshBindingError409"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminRefreshBindingError500"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminRefreshBindingError503"];
                };
            };
        };
    };
    adminListJobs: {
        parameters: {
            query?: {
                /** @description Only jobs in this state. */
                state?: components["schemas"]["JobStateView"];
                /** @description 1-based page number, 1–1000000. */
                page?: number;
                /** @description Rows per page, 1–200, default 50. */
                per_page?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["JobPage"];
                };
            };
            /** @description Bad input, nothing changed / 输入有误，未做任何改动 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminListJobsError400"];
                };
            };
            /** @description Not signed in or not any more, or a bad link / 未登录、登录已失效或链接无效 */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminListJobsError401"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminListJobsError403"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminListJobsError500"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminListJobsError503"];
                };
            };
        };
    };
    adminRetryJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["JobView"];
                };
            };
            /** @description Bad input, nothing changed / 输入有误，未做任何改动 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminRetryJobError400"];
                };
            };
            /** @description Not signed in or not any more, or a bad link / 未登录、登录已失效或链接无效 */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminRetryJobError401"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminRetryJobError403"];
                };
            };
            /** @description Not found / 不存在 */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminRetryJobError404"];
                };
            };
            /** @description Already bound, taken or done / 已绑定、已被占用或已处理 */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminRetryJobError409"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminRetryJobError500"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminRetryJobError503"];
                };
            };
        };
    };
    adminGetUnionidBackfill: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["UnionidBackfillStatus"];
                };
            };
            /** @description Not signed in or not any more, or a bad link / 未登录、登录已失效或链接无效 */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminGetUnionidBackfillError401"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminGetUnionidBackfillError403"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminGetUnionidBackfillError500"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminGetUnionidBackfillError503"];
                };
            };
        };
    };
    adminStartUnionidBackfill: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A run is queued or was already live (`already_running`); poll the GET for its progress. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["UnionidBackfillStarted"];
                };
            };
            /** @description Not signed in or not any more, or a bad link / 未登录、登录已失效或链接无效 */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminStartUnionidBackfillError401"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminStartUnionidBackfillError403"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminStartUnionidBackfillError500"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminStartUnionidBackfillError503"];
                };
            };
        };
    };
    adminDailyStats: {
        parameters: {
            query?: {
                /** @description How many days, 1–90, default 30. */
                days?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["DailyStats"];
                };
            };
            /** @description Bad input, nothing changed / 输入有误，未做任何改动 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminDailyStatsError400"];
                };
            };
            /** @description Not signed in or not any more, or a bad link / 未登录、登录已失效或链接无效 */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminDailyStatsError401"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminDailyStatsError403"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminDailyStatsError500"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminDailyStatsError503"];
                };
            };
        };
    };
    adminListAudit: {
        parameters: {
            query?: {
                /** @description What the entries are about. */
                target_type?: components["schemas"]["AuditTargetType"];
                /** @description Its id, e.g. the binding's or the user's id. */
                target_id?: number;
                /** @description The staff member's username. */
                actor?: string;
                /** @description The action, e.g. `user.lock`. */
                action?: string;
                /** @description From this time (inclusive). */
                from?: string;
                /** @description Before this time (exclusive). */
                to?: string;
                page?: number;
                per_page?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AuditLog"];
                };
            };
            /** @description Bad input, nothing changed / 输入有误，未做任何改动 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminListAuditError400"];
                };
            };
            /** @description Not signed in or not any more, or a bad link / 未登录、登录已失效或链接无效 */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminListAuditError401"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminListAuditError403"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminListAuditError500"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminListAuditError503"];
                };
            };
        };
    };
    adminListUsers: {
        parameters: {
            query?: {
                q?: string;
                page?: number;
                per_page?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminUserPage"];
                };
            };
            /** @description Bad input, nothing changed / 输入有误，未做任何改动 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminListUsersError400"];
                };
            };
            /** @description Not signed in or not any more, or a bad link / 未登录、登录已失效或链接无效 */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminListUsersError401"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminListUsersError403"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminListUsersError500"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminListUsersError503"];
                };
            };
        };
    };
    adminGetUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminUserDetail"];
                };
            };
            /** @description Bad input, nothing changed / 输入有误，未做任何改动 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminGetUserError400"];
                };
            };
            /** @description Not signed in or not any more, or a bad link / 未登录、登录已失效或链接无效 */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminGetUserError401"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminGetUserError403"];
                };
            };
            /** @description Not found / 不存在 */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminGetUserError404"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminGetUserError500"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminGetUserError503"];
                };
            };
        };
    };
    adminLockUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json; charset=utf-8": components["schemas"]["AdminReason"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminUserDetail"];
                };
            };
            /** @description Bad input, nothing changed / 输入有误，未做任何改动 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminLockUserError400"];
                };
            };
            /** @description Not signed in or not any more, or a bad link / 未登录、登录已失效或链接无效 */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminLockUserError401"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminLockUserError403"];
                };
            };
            /** @description Not found / 不存在 */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminLockUserError404"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminLockUserError500"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminLockUserError503"];
                };
            };
        };
    };
    adminUnlockUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json; charset=utf-8": components["schemas"]["AdminReason"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminUserDetail"];
                };
            };
            /** @description Bad input, nothing changed / 输入有误，未做任何改动 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminLockUserError400"];
                };
            };
            /** @description Not signed in or not any more, or a bad link / 未登录、登录已失效或链接无效 */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminLockUserError401"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminLockUserError403"];
                };
            };
            /** @description Not found / 不存在 */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminLockUserError404"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminLockUserError500"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminLockUserError503"];
                };
            };
        };
    };
    adminForcePasswordReset: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json; charset=utf-8": components["schemas"]["AdminReason"];
            };
        };
        responses: {
            /** @description Sessions ended; the reset link is on its way to the verified email. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad input, nothing changed / 输入有误，未做任何改动 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminForcePasswordResetError400"];
                };
            };
            /** @description Not signed in or not any more, or a bad link / 未登录、登录已失效或链接无效 */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminForcePasswordResetError401"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminForcePasswordResetError403"];
                };
            };
            /** @description Not found / 不存在 */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminForcePasswordResetError404"];
                };
            };
            /** @description Already bound, taken or done / 已绑定、已被占用或已处理 */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminForcePasswordResetError409"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminForcePasswordResetError500"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["AdminForcePasswordResetError503"];
                };
            };
        };
    };
    getCaptchaConfig: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["CaptchaConfig"];
                };
            };
            /** @description Not allowed / 没有权限或账号已被锁定 */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["CaptchaConfigError403"];
                };
            };
            /** @description Server error / 服务器内部错误 */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["CaptchaConfigError500"];
                };
            };
            /** @description Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试 */
            503: {
                headers: {
                    /** @description Seconds to wait / 需等待的秒数 */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["CaptchaConfigError503"];
                };
            };
        };
    };
}
