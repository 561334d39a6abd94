// Generated from openapi/openapi.json by scripts/generate.mjs (`npm run generate`). Do not edit.

export interface paths {
    "/oauth/qq/authorize-url": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The QQ authorize URL for a login that returns to `next` (a same-site path, default `/`).
         * @description Also sets the `passport_qq_login` cookie: the state works only in this browser (call with
         *     credentials from another origin), and only once.
         */
        get: operations["getQqAuthorizeUrl"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/oauth/qq/callback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Finish a QQ login: exchange the code, then log in a bound user or ask to bind.
         * @description Needs the `passport_qq_login` cookie that `getQqAuthorizeUrl` set in this browser (400
         *     `state_not_this_browser` without it), and each state works once (400 `state_used`).
         */
        post: operations["qqCallback"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/oauth/qq/bind": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Bind the ticket's QQ identity to an existing account, proven by its password. */
        post: operations["qqBind"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/oauth/qq/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create an account for the ticket's QQ identity (mobile proven by an SMS code) and bind it. */
        post: operations["qqRegister"];
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
         * Send a 6-digit code to a mobile, for the registration of a live bind ticket. Once per 60
         *     seconds per mobile; quotas per client (hour and day), per mobile (day) and for the whole
         *     service (day) answer 429 with `retry_after`.
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
        /** Sign in with username, mobile or email and a password. */
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
        /** The signed-in user and their bindings. */
        get: operations["getMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/users/me/bindings/qq": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove the signed-in user's QQ binding (they must have a password to sign in with). */
        delete: operations["unbindQq"];
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
         * Ask for a reset link. Always 202 with the same body, whether or not the address has an
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
        /** Set a new password with the token of a reset link. */
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
         * Set the signed-in account's email: a verification link is mailed to it; the address is
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
        /** Follow an email verification link. */
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
        /** Server name and version. */
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
        /** The API's index: name, version, and links to the docs and the spec. */
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
         * QQ bindings, searched, filtered, sorted and paged (staff only).
         * @description `q` matches an exact openid or unionid, or a prefix (case-sensitive) of the username, the
         *     user's nickname or the QQ nickname. `status`: `fresh` (refresh ok, token expires in more
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
        /** One binding with its whole openid, token history and audit entries (never its tokens). */
        get: operations["adminGetBinding"];
        put?: never;
        post?: never;
        /**
         * Unbind: delete the binding (the account stays). `reason` is required (400
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
         * Refresh the binding's QQ token now: queues a refresh job (at most one live job per
         *     binding; asking again returns the queued one). Audited as `qq_binding.refresh`.
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
         * The job queue: counts by state, and the newest jobs (of one `state`, or all) with their
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
         * Put a discarded or retryable job back in the queue now with fresh attempts. Audited as
         *     `job.retry`.
         */
        post: operations["adminRetryJob"];
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
         * QQ logins and new bindings per UTC day, for the last `days` days (1–90, default 30),
         *     today included.
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
         * The audit entries about one target, newest first (staff only); also after the target
         *     was deleted (an unbound binding).
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
    "/captcha/config": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * How to show the captcha: the policy, the app id and the script to load. Protected
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
            /** @description e.g. `qq_binding.refresh`, `qq_binding.unbind`, `job.retry`. */
            action: string;
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
            /** @description Newest first, at most 100. */
            items: components["schemas"]["AuditEntryView"][];
        };
        /**
         * @description What an audit entry is about.
         * @enum {string}
         */
        AuditTargetType: "qq_binding" | "job";
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
             * @description Names this QQ identity for `/oauth/qq/bind` or `/oauth/qq/register`; valid 10 minutes,
             *     once.
             */
            bind_ticket: string;
            profile: components["schemas"]["QqProfile"];
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
            /** @description The Renran account. */
            user: components["schemas"]["UserView"] & unknown;
            qq_nickname: string;
            /** @description QQ avatar URL; empty when none. */
            qq_avatar: string;
            /** @description `D5A3…E0B2`: first and last four characters. */
            openid_masked: string;
            /** @description Whether a unionid is stored. */
            has_unionid: boolean;
            /** Format: date-time */
            bound_at: string;
            /**
             * Format: date-time
             * @description The last QQ login (the bind itself counts as one).
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
            /** @description The Renran account. */
            user: components["schemas"]["UserView"] & unknown;
            qq_nickname: string;
            /** @description QQ avatar URL; empty when none. */
            qq_avatar: string;
            /** @description `D5A3…E0B2`: first and last four characters. */
            openid_masked: string;
            /** @description Whether a unionid is stored. */
            has_unionid: boolean;
            /** Format: date-time */
            bound_at: string;
            /**
             * Format: date-time
             * @description The last QQ login (the bind itself counts as one).
             */
            last_login_at?: string | null;
            /** Format: date-time */
            token_expires_at: string;
            status: components["schemas"]["BindingStatusView"];
            /** @description Why the last refresh failed, when it did. */
            refresh_error?: string | null;
        };
        /** Bindings */
        Bindings: {
            /** @description The QQ binding, if any. */
            qq?: (components["schemas"]["QqBindingView"] & unknown) | null;
        };
        /** CallbackRequest */
        CallbackRequest: {
            /** @description `code` from QQ's redirect. */
            code: string;
            /** @description `state` from QQ's redirect. */
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
        /** DailyStats */
        DailyStats: {
            /** @description Oldest first, one entry per day, today (UTC) last. */
            days: components["schemas"]["DayStats"][];
        };
        /**
         * DayStats
         * @description One UTC day of the dashboard chart.
         */
        DayStats: {
            /** @description `YYYY-MM-DD` (UTC). */
            date: string;
            /**
             * Format: int64
             * @description Successful QQ sign-ins: returning users plus first logins that ended in a new binding.
             */
            logins: number;
            /**
             * Format: int64
             * @description Bindings made that day (still counted after an unbind).
             */
            new_bindings: number;
        };
        /** EmailChange */
        EmailChange: {
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
        /** ErrorBody */
        ErrorBody: {
            /** @description Stable machine code, e.g. `bind_ticket_used`. Clients branch on it. */
            code: string;
            /** @description Human message in Chinese, fit to show to the person using the page. */
            message: string;
            /**
             * Format: uint64
             * @description Seconds to wait before trying again (429 only).
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
            /** @description `mail`, `sms`, `qq_token_refresh`, `password_reset_request`. */
            kind: string;
            queue: string;
            /** @description `available`, `running`, `retryable`, `completed` or `discarded`. */
            state: string;
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
             * @description For `qq_token_refresh`: the binding it refreshes.
             */
            binding_id?: number | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            /** Format: date-time */
            finished_at?: string | null;
        };
        /** LoggedIn */
        LoggedIn: {
            /** @description JWT for `Authorization: Bearer …`. */
            token: string;
            user: components["schemas"]["UserView"];
            /** @description Where to go now (a same-site path). */
            next: string;
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
        /** Me */
        Me: {
            /** Format: int64 */
            id: number;
            username: string;
            nickname: string;
            avatar: string;
            mobile?: string | null;
            /** @description The verified email, if any (only a verified address receives reset links). */
            email?: string | null;
            /** @description Whether a password is set (needed before QQ can be unbound). */
            has_password: boolean;
            is_staff: boolean;
            bindings: components["schemas"]["Bindings"];
        };
        /** QqBindingView */
        QqBindingView: {
            nickname: string;
            avatar: string;
            /** Format: date-time */
            bound_at: string;
            /** Format: date-time */
            last_login_at?: string | null;
        };
        /** @description How a QQ login ends; `status` tells which. */
        QqLoginResult: components["schemas"]["QqLoginResult_LoggedIn"] | components["schemas"]["QqLoginResult_BindRequired"];
        /** @description How a QQ login ends; `status` tells which. */
        QqLoginResult_BindRequired: {
            /**
             * @example bind_required
             * @enum {string}
             */
            status: "bind_required";
        } & components["schemas"]["BindRequired"];
        /** @description How a QQ login ends; `status` tells which. */
        QqLoginResult_LoggedIn: {
            /**
             * @example logged_in
             * @enum {string}
             */
            status: "logged_in";
        } & components["schemas"]["LoggedIn"];
        /** QqProfile */
        QqProfile: {
            /** @description QQ nickname, to prefill the forms. */
            nickname: string;
            /** @description QQ avatar URL; empty when none. */
            avatar: string;
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
        /** RegisterRequest */
        RegisterRequest: {
            bind_ticket: string;
            /** @description 2–20 characters. */
            nickname: string;
            /** @description Mainland China mobile, 11 digits. */
            mobile: string;
            /** @description The 6-digit code sent by `POST /sms/codes`. */
            sms_code: string;
            /** @description 8–128 characters, at least two of letters, digits and symbols. */
            password: string;
        };
        /** ResetConfirm */
        ResetConfirm: {
            /** @description The `token` of the reset link. */
            token: string;
            new_password: string;
        };
        /** ResetRequest */
        ResetRequest: {
            email: string;
        };
        /** SmsCodeRequest */
        SmsCodeRequest: {
            /** @description Mainland China mobile, 11 digits. */
            mobile: string;
            /**
             * @description The bind ticket of the QQ registration the code is for (from the callback); it must be
             *     live (unused, unexpired).
             */
            bind_ticket: string;
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
        /**
         * TokenEventView
         * @description One event of a binding's token history.
         */
        TokenEventView: {
            /** Format: int64 */
            id: number;
            /** @description `bound`, `login`, `refresh` or `refresh_failed`. */
            kind: string;
            /** Format: date-time */
            at: string;
            /** @description For people: the new expiry, an error text. Never a token. */
            detail?: string | null;
        };
        /**
         * @description How `total` was obtained.
         * @enum {string}
         */
        TotalKindView: "exact" | "estimate" | "at_least";
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
    getQqAuthorizeUrl: {
        parameters: {
            query?: {
                next?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /**
             * @description The URL and its state. `Set-Cookie` gives this browser the `passport_qq_login` cookie
             *     (`HttpOnly; SameSite=Lax; Secure`, path `/api/oauth/qq`, 10 minutes) that the callback
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
            /**
             * @description Bad input: `invalid_request`, `invalid_next`, `invalid_code`, `state_invalid`,
             *     `state_expired`, `state_not_this_browser`, `state_used`, `invalid_credentials`, `invalid_mobile`, `invalid_nickname`,
             *     `invalid_password`, `invalid_email`, `invalid_account`, `sms_code_invalid`,
             *     `sms_code_expired`, `sms_code_too_many_attempts`, `current_password_required`,
             *     `wrong_password`, `recent_qq_login_required`, `captcha_required`, `captcha_failed`;
             *     admin: `reason_required`,
             *     `reason_too_long`, `invalid_cursor`, `invalid_page`, `invalid_per_page`, `invalid_days`,
             *     `query_too_long`.
             */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Not signed in or not any more, or a bad link: `unauthorized`, `token_expired`,
             *     `token_revoked`, `bind_ticket_invalid`, `bind_ticket_expired`, `bind_ticket_used`,
             *     `qq_login_expired`, `reset_token_invalid`, `reset_token_expired`, `reset_token_used`,
             *     `reset_token_superseded`, `email_token_invalid`, `email_token_expired`,
             *     `email_token_used`, `email_token_superseded`.
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Signed in but not allowed: `forbidden` (e.g. a non-staff user on `/admin/*`);
             *     `cors_not_allowed` (a browser call from an origin, method or header not allowed).
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`, `qq_not_bound`, `binding_not_found`, `job_not_found`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Already bound or taken: `qq_already_bound`, `account_already_bound`, `nickname_taken`,
             *     `mobile_taken`, `email_taken`, `last_login_method`, `job_not_retryable`, `job_conflict`.
             */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Rate-limited: `too_many_attempts`, `sms_too_frequent`, `sms_daily_limit`; `retry_after`
             *     says how long to wait.
             */
            429: {
                headers: {
                    "RETRY-AFTER": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description QQ or Tencent Cloud failed or answered something unusable: `qq_unavailable`,
             *     `captcha_unavailable`.
             */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Try again shortly: `overloaded`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    qqCallback: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
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
                    "application/json; charset=utf-8": components["schemas"]["QqLoginResult"];
                };
            };
            /**
             * @description Bad input: `invalid_request`, `invalid_next`, `invalid_code`, `state_invalid`,
             *     `state_expired`, `state_not_this_browser`, `state_used`, `invalid_credentials`, `invalid_mobile`, `invalid_nickname`,
             *     `invalid_password`, `invalid_email`, `invalid_account`, `sms_code_invalid`,
             *     `sms_code_expired`, `sms_code_too_many_attempts`, `current_password_required`,
             *     `wrong_password`, `recent_qq_login_required`, `captcha_required`, `captcha_failed`;
             *     admin: `reason_required`,
             *     `reason_too_long`, `invalid_cursor`, `invalid_page`, `invalid_per_page`, `invalid_days`,
             *     `query_too_long`.
             */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Not signed in or not any more, or a bad link: `unauthorized`, `token_expired`,
             *     `token_revoked`, `bind_ticket_invalid`, `bind_ticket_expired`, `bind_ticket_used`,
             *     `qq_login_expired`, `reset_token_invalid`, `reset_token_expired`, `reset_token_used`,
             *     `reset_token_superseded`, `email_token_invalid`, `email_token_expired`,
             *     `email_token_used`, `email_token_superseded`.
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Signed in but not allowed: `forbidden` (e.g. a non-staff user on `/admin/*`);
             *     `cors_not_allowed` (a browser call from an origin, method or header not allowed).
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`, `qq_not_bound`, `binding_not_found`, `job_not_found`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Already bound or taken: `qq_already_bound`, `account_already_bound`, `nickname_taken`,
             *     `mobile_taken`, `email_taken`, `last_login_method`, `job_not_retryable`, `job_conflict`.
             */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Rate-limited: `too_many_attempts`, `sms_too_frequent`, `sms_daily_limit`; `retry_after`
             *     says how long to wait.
             */
            429: {
                headers: {
                    "RETRY-AFTER": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description QQ or Tencent Cloud failed or answered something unusable: `qq_unavailable`,
             *     `captcha_unavailable`.
             */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Try again shortly: `overloaded`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    qqBind: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
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
                    "application/json; charset=utf-8": components["schemas"]["QqLoginResult"];
                };
            };
            /**
             * @description Bad input: `invalid_request`, `invalid_next`, `invalid_code`, `state_invalid`,
             *     `state_expired`, `state_not_this_browser`, `state_used`, `invalid_credentials`, `invalid_mobile`, `invalid_nickname`,
             *     `invalid_password`, `invalid_email`, `invalid_account`, `sms_code_invalid`,
             *     `sms_code_expired`, `sms_code_too_many_attempts`, `current_password_required`,
             *     `wrong_password`, `recent_qq_login_required`, `captcha_required`, `captcha_failed`;
             *     admin: `reason_required`,
             *     `reason_too_long`, `invalid_cursor`, `invalid_page`, `invalid_per_page`, `invalid_days`,
             *     `query_too_long`.
             */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Not signed in or not any more, or a bad link: `unauthorized`, `token_expired`,
             *     `token_revoked`, `bind_ticket_invalid`, `bind_ticket_expired`, `bind_ticket_used`,
             *     `qq_login_expired`, `reset_token_invalid`, `reset_token_expired`, `reset_token_used`,
             *     `reset_token_superseded`, `email_token_invalid`, `email_token_expired`,
             *     `email_token_used`, `email_token_superseded`.
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Signed in but not allowed: `forbidden` (e.g. a non-staff user on `/admin/*`);
             *     `cors_not_allowed` (a browser call from an origin, method or header not allowed).
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`, `qq_not_bound`, `binding_not_found`, `job_not_found`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Already bound or taken: `qq_already_bound`, `account_already_bound`, `nickname_taken`,
             *     `mobile_taken`, `email_taken`, `last_login_method`, `job_not_retryable`, `job_conflict`.
             */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Rate-limited: `too_many_attempts`, `sms_too_frequent`, `sms_daily_limit`; `retry_after`
             *     says how long to wait.
             */
            429: {
                headers: {
                    "RETRY-AFTER": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description QQ or Tencent Cloud failed or answered something unusable: `qq_unavailable`,
             *     `captcha_unavailable`.
             */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Try again shortly: `overloaded`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    qqRegister: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
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
                    "application/json; charset=utf-8": components["schemas"]["QqLoginResult"];
                };
            };
            /**
             * @description Bad input: `invalid_request`, `invalid_next`, `invalid_code`, `state_invalid`,
             *     `state_expired`, `state_not_this_browser`, `state_used`, `invalid_credentials`, `invalid_mobile`, `invalid_nickname`,
             *     `invalid_password`, `invalid_email`, `invalid_account`, `sms_code_invalid`,
             *     `sms_code_expired`, `sms_code_too_many_attempts`, `current_password_required`,
             *     `wrong_password`, `recent_qq_login_required`, `captcha_required`, `captcha_failed`;
             *     admin: `reason_required`,
             *     `reason_too_long`, `invalid_cursor`, `invalid_page`, `invalid_per_page`, `invalid_days`,
             *     `query_too_long`.
             */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Not signed in or not any more, or a bad link: `unauthorized`, `token_expired`,
             *     `token_revoked`, `bind_ticket_invalid`, `bind_ticket_expired`, `bind_ticket_used`,
             *     `qq_login_expired`, `reset_token_invalid`, `reset_token_expired`, `reset_token_used`,
             *     `reset_token_superseded`, `email_token_invalid`, `email_token_expired`,
             *     `email_token_used`, `email_token_superseded`.
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Signed in but not allowed: `forbidden` (e.g. a non-staff user on `/admin/*`);
             *     `cors_not_allowed` (a browser call from an origin, method or header not allowed).
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`, `qq_not_bound`, `binding_not_found`, `job_not_found`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Already bound or taken: `qq_already_bound`, `account_already_bound`, `nickname_taken`,
             *     `mobile_taken`, `email_taken`, `last_login_method`, `job_not_retryable`, `job_conflict`.
             */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Rate-limited: `too_many_attempts`, `sms_too_frequent`, `sms_daily_limit`; `retry_after`
             *     says how long to wait.
             */
            429: {
                headers: {
                    "RETRY-AFTER": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description QQ or Tencent Cloud failed or answered something unusable: `qq_unavailable`,
             *     `captcha_unavailable`.
             */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Try again shortly: `overloaded`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
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
            /**
             * @description Bad input: `invalid_request`, `invalid_next`, `invalid_code`, `state_invalid`,
             *     `state_expired`, `state_not_this_browser`, `state_used`, `invalid_credentials`, `invalid_mobile`, `invalid_nickname`,
             *     `invalid_password`, `invalid_email`, `invalid_account`, `sms_code_invalid`,
             *     `sms_code_expired`, `sms_code_too_many_attempts`, `current_password_required`,
             *     `wrong_password`, `recent_qq_login_required`, `captcha_required`, `captcha_failed`;
             *     admin: `reason_required`,
             *     `reason_too_long`, `invalid_cursor`, `invalid_page`, `invalid_per_page`, `invalid_days`,
             *     `query_too_long`.
             */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Not signed in or not any more, or a bad link: `unauthorized`, `token_expired`,
             *     `token_revoked`, `bind_ticket_invalid`, `bind_ticket_expired`, `bind_ticket_used`,
             *     `qq_login_expired`, `reset_token_invalid`, `reset_token_expired`, `reset_token_used`,
             *     `reset_token_superseded`, `email_token_invalid`, `email_token_expired`,
             *     `email_token_used`, `email_token_superseded`.
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Signed in but not allowed: `forbidden` (e.g. a non-staff user on `/admin/*`);
             *     `cors_not_allowed` (a browser call from an origin, method or header not allowed).
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`, `qq_not_bound`, `binding_not_found`, `job_not_found`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Already bound or taken: `qq_already_bound`, `account_already_bound`, `nickname_taken`,
             *     `mobile_taken`, `email_taken`, `last_login_method`, `job_not_retryable`, `job_conflict`.
             */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Rate-limited: `too_many_attempts`, `sms_too_frequent`, `sms_daily_limit`; `retry_after`
             *     says how long to wait.
             */
            429: {
                headers: {
                    "RETRY-AFTER": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description QQ or Tencent Cloud failed or answered something unusable: `qq_unavailable`,
             *     `captcha_unavailable`.
             */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Try again shortly: `overloaded`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
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
            /**
             * @description Bad input: `invalid_request`, `invalid_next`, `invalid_code`, `state_invalid`,
             *     `state_expired`, `state_not_this_browser`, `state_used`, `invalid_credentials`, `invalid_mobile`, `invalid_nickname`,
             *     `invalid_password`, `invalid_email`, `invalid_account`, `sms_code_invalid`,
             *     `sms_code_expired`, `sms_code_too_many_attempts`, `current_password_required`,
             *     `wrong_password`, `recent_qq_login_required`, `captcha_required`, `captcha_failed`;
             *     admin: `reason_required`,
             *     `reason_too_long`, `invalid_cursor`, `invalid_page`, `invalid_per_page`, `invalid_days`,
             *     `query_too_long`.
             */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Not signed in or not any more, or a bad link: `unauthorized`, `token_expired`,
             *     `token_revoked`, `bind_ticket_invalid`, `bind_ticket_expired`, `bind_ticket_used`,
             *     `qq_login_expired`, `reset_token_invalid`, `reset_token_expired`, `reset_token_used`,
             *     `reset_token_superseded`, `email_token_invalid`, `email_token_expired`,
             *     `email_token_used`, `email_token_superseded`.
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Signed in but not allowed: `forbidden` (e.g. a non-staff user on `/admin/*`);
             *     `cors_not_allowed` (a browser call from an origin, method or header not allowed).
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`, `qq_not_bound`, `binding_not_found`, `job_not_found`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Already bound or taken: `qq_already_bound`, `account_already_bound`, `nickname_taken`,
             *     `mobile_taken`, `email_taken`, `last_login_method`, `job_not_retryable`, `job_conflict`.
             */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Rate-limited: `too_many_attempts`, `sms_too_frequent`, `sms_daily_limit`; `retry_after`
             *     says how long to wait.
             */
            429: {
                headers: {
                    "RETRY-AFTER": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description QQ or Tencent Cloud failed or answered something unusable: `qq_unavailable`,
             *     `captcha_unavailable`.
             */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Try again shortly: `overloaded`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
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
            /**
             * @description Bad input: `invalid_request`, `invalid_next`, `invalid_code`, `state_invalid`,
             *     `state_expired`, `state_not_this_browser`, `state_used`, `invalid_credentials`, `invalid_mobile`, `invalid_nickname`,
             *     `invalid_password`, `invalid_email`, `invalid_account`, `sms_code_invalid`,
             *     `sms_code_expired`, `sms_code_too_many_attempts`, `current_password_required`,
             *     `wrong_password`, `recent_qq_login_required`, `captcha_required`, `captcha_failed`;
             *     admin: `reason_required`,
             *     `reason_too_long`, `invalid_cursor`, `invalid_page`, `invalid_per_page`, `invalid_days`,
             *     `query_too_long`.
             */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Not signed in or not any more, or a bad link: `unauthorized`, `token_expired`,
             *     `token_revoked`, `bind_ticket_invalid`, `bind_ticket_expired`, `bind_ticket_used`,
             *     `qq_login_expired`, `reset_token_invalid`, `reset_token_expired`, `reset_token_used`,
             *     `reset_token_superseded`, `email_token_invalid`, `email_token_expired`,
             *     `email_token_used`, `email_token_superseded`.
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Signed in but not allowed: `forbidden` (e.g. a non-staff user on `/admin/*`);
             *     `cors_not_allowed` (a browser call from an origin, method or header not allowed).
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`, `qq_not_bound`, `binding_not_found`, `job_not_found`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Already bound or taken: `qq_already_bound`, `account_already_bound`, `nickname_taken`,
             *     `mobile_taken`, `email_taken`, `last_login_method`, `job_not_retryable`, `job_conflict`.
             */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Rate-limited: `too_many_attempts`, `sms_too_frequent`, `sms_daily_limit`; `retry_after`
             *     says how long to wait.
             */
            429: {
                headers: {
                    "RETRY-AFTER": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description QQ or Tencent Cloud failed or answered something unusable: `qq_unavailable`,
             *     `captcha_unavailable`.
             */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Try again shortly: `overloaded`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    unbindQq: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
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
            /**
             * @description Bad input: `invalid_request`, `invalid_next`, `invalid_code`, `state_invalid`,
             *     `state_expired`, `state_not_this_browser`, `state_used`, `invalid_credentials`, `invalid_mobile`, `invalid_nickname`,
             *     `invalid_password`, `invalid_email`, `invalid_account`, `sms_code_invalid`,
             *     `sms_code_expired`, `sms_code_too_many_attempts`, `current_password_required`,
             *     `wrong_password`, `recent_qq_login_required`, `captcha_required`, `captcha_failed`;
             *     admin: `reason_required`,
             *     `reason_too_long`, `invalid_cursor`, `invalid_page`, `invalid_per_page`, `invalid_days`,
             *     `query_too_long`.
             */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Not signed in or not any more, or a bad link: `unauthorized`, `token_expired`,
             *     `token_revoked`, `bind_ticket_invalid`, `bind_ticket_expired`, `bind_ticket_used`,
             *     `qq_login_expired`, `reset_token_invalid`, `reset_token_expired`, `reset_token_used`,
             *     `reset_token_superseded`, `email_token_invalid`, `email_token_expired`,
             *     `email_token_used`, `email_token_superseded`.
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Signed in but not allowed: `forbidden` (e.g. a non-staff user on `/admin/*`);
             *     `cors_not_allowed` (a browser call from an origin, method or header not allowed).
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`, `qq_not_bound`, `binding_not_found`, `job_not_found`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Already bound or taken: `qq_already_bound`, `account_already_bound`, `nickname_taken`,
             *     `mobile_taken`, `email_taken`, `last_login_method`, `job_not_retryable`, `job_conflict`.
             */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Rate-limited: `too_many_attempts`, `sms_too_frequent`, `sms_daily_limit`; `retry_after`
             *     says how long to wait.
             */
            429: {
                headers: {
                    "RETRY-AFTER": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description QQ or Tencent Cloud failed or answered something unusable: `qq_unavailable`,
             *     `captcha_unavailable`.
             */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Try again shortly: `overloaded`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
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
            /**
             * @description Bad input: `invalid_request`, `invalid_next`, `invalid_code`, `state_invalid`,
             *     `state_expired`, `state_not_this_browser`, `state_used`, `invalid_credentials`, `invalid_mobile`, `invalid_nickname`,
             *     `invalid_password`, `invalid_email`, `invalid_account`, `sms_code_invalid`,
             *     `sms_code_expired`, `sms_code_too_many_attempts`, `current_password_required`,
             *     `wrong_password`, `recent_qq_login_required`, `captcha_required`, `captcha_failed`;
             *     admin: `reason_required`,
             *     `reason_too_long`, `invalid_cursor`, `invalid_page`, `invalid_per_page`, `invalid_days`,
             *     `query_too_long`.
             */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Not signed in or not any more, or a bad link: `unauthorized`, `token_expired`,
             *     `token_revoked`, `bind_ticket_invalid`, `bind_ticket_expired`, `bind_ticket_used`,
             *     `qq_login_expired`, `reset_token_invalid`, `reset_token_expired`, `reset_token_used`,
             *     `reset_token_superseded`, `email_token_invalid`, `email_token_expired`,
             *     `email_token_used`, `email_token_superseded`.
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Signed in but not allowed: `forbidden` (e.g. a non-staff user on `/admin/*`);
             *     `cors_not_allowed` (a browser call from an origin, method or header not allowed).
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`, `qq_not_bound`, `binding_not_found`, `job_not_found`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Already bound or taken: `qq_already_bound`, `account_already_bound`, `nickname_taken`,
             *     `mobile_taken`, `email_taken`, `last_login_method`, `job_not_retryable`, `job_conflict`.
             */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Rate-limited: `too_many_attempts`, `sms_too_frequent`, `sms_daily_limit`; `retry_after`
             *     says how long to wait.
             */
            429: {
                headers: {
                    "RETRY-AFTER": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description QQ or Tencent Cloud failed or answered something unusable: `qq_unavailable`,
             *     `captcha_unavailable`.
             */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Try again shortly: `overloaded`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
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
            /**
             * @description Bad input: `invalid_request`, `invalid_next`, `invalid_code`, `state_invalid`,
             *     `state_expired`, `state_not_this_browser`, `state_used`, `invalid_credentials`, `invalid_mobile`, `invalid_nickname`,
             *     `invalid_password`, `invalid_email`, `invalid_account`, `sms_code_invalid`,
             *     `sms_code_expired`, `sms_code_too_many_attempts`, `current_password_required`,
             *     `wrong_password`, `recent_qq_login_required`, `captcha_required`, `captcha_failed`;
             *     admin: `reason_required`,
             *     `reason_too_long`, `invalid_cursor`, `invalid_page`, `invalid_per_page`, `invalid_days`,
             *     `query_too_long`.
             */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Not signed in or not any more, or a bad link: `unauthorized`, `token_expired`,
             *     `token_revoked`, `bind_ticket_invalid`, `bind_ticket_expired`, `bind_ticket_used`,
             *     `qq_login_expired`, `reset_token_invalid`, `reset_token_expired`, `reset_token_used`,
             *     `reset_token_superseded`, `email_token_invalid`, `email_token_expired`,
             *     `email_token_used`, `email_token_superseded`.
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Signed in but not allowed: `forbidden` (e.g. a non-staff user on `/admin/*`);
             *     `cors_not_allowed` (a browser call from an origin, method or header not allowed).
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`, `qq_not_bound`, `binding_not_found`, `job_not_found`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Already bound or taken: `qq_already_bound`, `account_already_bound`, `nickname_taken`,
             *     `mobile_taken`, `email_taken`, `last_login_method`, `job_not_retryable`, `job_conflict`.
             */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Rate-limited: `too_many_attempts`, `sms_too_frequent`, `sms_daily_limit`; `retry_after`
             *     says how long to wait.
             */
            429: {
                headers: {
                    "RETRY-AFTER": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description QQ or Tencent Cloud failed or answered something unusable: `qq_unavailable`,
             *     `captcha_unavailable`.
             */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Try again shortly: `overloaded`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
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
            /**
             * @description Bad input: `invalid_request`, `invalid_next`, `invalid_code`, `state_invalid`,
             *     `state_expired`, `state_not_this_browser`, `state_used`, `invalid_credentials`, `invalid_mobile`, `invalid_nickname`,
             *     `invalid_password`, `invalid_email`, `invalid_account`, `sms_code_invalid`,
             *     `sms_code_expired`, `sms_code_too_many_attempts`, `current_password_required`,
             *     `wrong_password`, `recent_qq_login_required`, `captcha_required`, `captcha_failed`;
             *     admin: `reason_required`,
             *     `reason_too_long`, `invalid_cursor`, `invalid_page`, `invalid_per_page`, `invalid_days`,
             *     `query_too_long`.
             */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Not signed in or not any more, or a bad link: `unauthorized`, `token_expired`,
             *     `token_revoked`, `bind_ticket_invalid`, `bind_ticket_expired`, `bind_ticket_used`,
             *     `qq_login_expired`, `reset_token_invalid`, `reset_token_expired`, `reset_token_used`,
             *     `reset_token_superseded`, `email_token_invalid`, `email_token_expired`,
             *     `email_token_used`, `email_token_superseded`.
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Signed in but not allowed: `forbidden` (e.g. a non-staff user on `/admin/*`);
             *     `cors_not_allowed` (a browser call from an origin, method or header not allowed).
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`, `qq_not_bound`, `binding_not_found`, `job_not_found`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Already bound or taken: `qq_already_bound`, `account_already_bound`, `nickname_taken`,
             *     `mobile_taken`, `email_taken`, `last_login_method`, `job_not_retryable`, `job_conflict`.
             */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Rate-limited: `too_many_attempts`, `sms_too_frequent`, `sms_daily_limit`; `retry_after`
             *     says how long to wait.
             */
            429: {
                headers: {
                    "RETRY-AFTER": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description QQ or Tencent Cloud failed or answered something unusable: `qq_unavailable`,
             *     `captcha_unavailable`.
             */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Try again shortly: `overloaded`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
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
            /**
             * @description Bad input: `invalid_request`, `invalid_next`, `invalid_code`, `state_invalid`,
             *     `state_expired`, `state_not_this_browser`, `state_used`, `invalid_credentials`, `invalid_mobile`, `invalid_nickname`,
             *     `invalid_password`, `invalid_email`, `invalid_account`, `sms_code_invalid`,
             *     `sms_code_expired`, `sms_code_too_many_attempts`, `current_password_required`,
             *     `wrong_password`, `recent_qq_login_required`, `captcha_required`, `captcha_failed`;
             *     admin: `reason_required`,
             *     `reason_too_long`, `invalid_cursor`, `invalid_page`, `invalid_per_page`, `invalid_days`,
             *     `query_too_long`.
             */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Not signed in or not any more, or a bad link: `unauthorized`, `token_expired`,
             *     `token_revoked`, `bind_ticket_invalid`, `bind_ticket_expired`, `bind_ticket_used`,
             *     `qq_login_expired`, `reset_token_invalid`, `reset_token_expired`, `reset_token_used`,
             *     `reset_token_superseded`, `email_token_invalid`, `email_token_expired`,
             *     `email_token_used`, `email_token_superseded`.
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Signed in but not allowed: `forbidden` (e.g. a non-staff user on `/admin/*`);
             *     `cors_not_allowed` (a browser call from an origin, method or header not allowed).
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`, `qq_not_bound`, `binding_not_found`, `job_not_found`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Already bound or taken: `qq_already_bound`, `account_already_bound`, `nickname_taken`,
             *     `mobile_taken`, `email_taken`, `last_login_method`, `job_not_retryable`, `job_conflict`.
             */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Rate-limited: `too_many_attempts`, `sms_too_frequent`, `sms_daily_limit`; `retry_after`
             *     says how long to wait.
             */
            429: {
                headers: {
                    "RETRY-AFTER": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description QQ or Tencent Cloud failed or answered something unusable: `qq_unavailable`,
             *     `captcha_unavailable`.
             */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Try again shortly: `overloaded`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
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
        };
    };
    adminListBindings: {
        parameters: {
            query?: {
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
                /** @description `next_cursor` of the previous page, for the same `q`, `status` and `sort`. */
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
            /**
             * @description Bad input: `invalid_request`, `invalid_next`, `invalid_code`, `state_invalid`,
             *     `state_expired`, `state_not_this_browser`, `state_used`, `invalid_credentials`, `invalid_mobile`, `invalid_nickname`,
             *     `invalid_password`, `invalid_email`, `invalid_account`, `sms_code_invalid`,
             *     `sms_code_expired`, `sms_code_too_many_attempts`, `current_password_required`,
             *     `wrong_password`, `recent_qq_login_required`, `captcha_required`, `captcha_failed`;
             *     admin: `reason_required`,
             *     `reason_too_long`, `invalid_cursor`, `invalid_page`, `invalid_per_page`, `invalid_days`,
             *     `query_too_long`.
             */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Not signed in or not any more, or a bad link: `unauthorized`, `token_expired`,
             *     `token_revoked`, `bind_ticket_invalid`, `bind_ticket_expired`, `bind_ticket_used`,
             *     `qq_login_expired`, `reset_token_invalid`, `reset_token_expired`, `reset_token_used`,
             *     `reset_token_superseded`, `email_token_invalid`, `email_token_expired`,
             *     `email_token_used`, `email_token_superseded`.
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Signed in but not allowed: `forbidden` (e.g. a non-staff user on `/admin/*`);
             *     `cors_not_allowed` (a browser call from an origin, method or header not allowed).
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`, `qq_not_bound`, `binding_not_found`, `job_not_found`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Already bound or taken: `qq_already_bound`, `account_already_bound`, `nickname_taken`,
             *     `mobile_taken`, `email_taken`, `last_login_method`, `job_not_retryable`, `job_conflict`.
             */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Rate-limited: `too_many_attempts`, `sms_too_frequent`, `sms_daily_limit`; `retry_after`
             *     says how long to wait.
             */
            429: {
                headers: {
                    "RETRY-AFTER": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description QQ or Tencent Cloud failed or answered something unusable: `qq_unavailable`,
             *     `captcha_unavailable`.
             */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Try again shortly: `overloaded`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
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
            /**
             * @description Bad input: `invalid_request`, `invalid_next`, `invalid_code`, `state_invalid`,
             *     `state_expired`, `state_not_this_browser`, `state_used`, `invalid_credentials`, `invalid_mobile`, `invalid_nickname`,
             *     `invalid_password`, `invalid_email`, `invalid_account`, `sms_code_invalid`,
             *     `sms_code_expired`, `sms_code_too_many_attempts`, `current_password_required`,
             *     `wrong_password`, `recent_qq_login_required`, `captcha_required`, `captcha_failed`;
             *     admin: `reason_required`,
             *     `reason_too_long`, `invalid_cursor`, `invalid_page`, `invalid_per_page`, `invalid_days`,
             *     `query_too_long`.
             */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Not signed in or not any more, or a bad link: `unauthorized`, `token_expired`,
             *     `token_revoked`, `bind_ticket_invalid`, `bind_ticket_expired`, `bind_ticket_used`,
             *     `qq_login_expired`, `reset_token_invalid`, `reset_token_expired`, `reset_token_used`,
             *     `reset_token_superseded`, `email_token_invalid`, `email_token_expired`,
             *     `email_token_used`, `email_token_superseded`.
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Signed in but not allowed: `forbidden` (e.g. a non-staff user on `/admin/*`);
             *     `cors_not_allowed` (a browser call from an origin, method or header not allowed).
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`, `qq_not_bound`, `binding_not_found`, `job_not_found`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Already bound or taken: `qq_already_bound`, `account_already_bound`, `nickname_taken`,
             *     `mobile_taken`, `email_taken`, `last_login_method`, `job_not_retryable`, `job_conflict`.
             */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Rate-limited: `too_many_attempts`, `sms_too_frequent`, `sms_daily_limit`; `retry_after`
             *     says how long to wait.
             */
            429: {
                headers: {
                    "RETRY-AFTER": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description QQ or Tencent Cloud failed or answered something unusable: `qq_unavailable`,
             *     `captcha_unavailable`.
             */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Try again shortly: `overloaded`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
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
            /**
             * @description Bad input: `invalid_request`, `invalid_next`, `invalid_code`, `state_invalid`,
             *     `state_expired`, `state_not_this_browser`, `state_used`, `invalid_credentials`, `invalid_mobile`, `invalid_nickname`,
             *     `invalid_password`, `invalid_email`, `invalid_account`, `sms_code_invalid`,
             *     `sms_code_expired`, `sms_code_too_many_attempts`, `current_password_required`,
             *     `wrong_password`, `recent_qq_login_required`, `captcha_required`, `captcha_failed`;
             *     admin: `reason_required`,
             *     `reason_too_long`, `invalid_cursor`, `invalid_page`, `invalid_per_page`, `invalid_days`,
             *     `query_too_long`.
             */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Not signed in or not any more, or a bad link: `unauthorized`, `token_expired`,
             *     `token_revoked`, `bind_ticket_invalid`, `bind_ticket_expired`, `bind_ticket_used`,
             *     `qq_login_expired`, `reset_token_invalid`, `reset_token_expired`, `reset_token_used`,
             *     `reset_token_superseded`, `email_token_invalid`, `email_token_expired`,
             *     `email_token_used`, `email_token_superseded`.
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Signed in but not allowed: `forbidden` (e.g. a non-staff user on `/admin/*`);
             *     `cors_not_allowed` (a browser call from an origin, method or header not allowed).
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`, `qq_not_bound`, `binding_not_found`, `job_not_found`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Already bound or taken: `qq_already_bound`, `account_already_bound`, `nickname_taken`,
             *     `mobile_taken`, `email_taken`, `last_login_method`, `job_not_retryable`, `job_conflict`.
             */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Rate-limited: `too_many_attempts`, `sms_too_frequent`, `sms_daily_limit`; `retry_after`
             *     says how long to wait.
             */
            429: {
                headers: {
                    "RETRY-AFTER": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description QQ or Tencent Cloud failed or answered something unusable: `qq_unavailable`,
             *     `captcha_unavailable`.
             */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Try again shortly: `overloaded`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
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
            /**
             * @description Bad input: `invalid_request`, `invalid_next`, `invalid_code`, `state_invalid`,
             *     `state_expired`, `state_not_this_browser`, `state_used`, `invalid_credentials`, `invalid_mobile`, `invalid_nickname`,
             *     `invalid_password`, `invalid_email`, `invalid_account`, `sms_code_invalid`,
             *     `sms_code_expired`, `sms_code_too_many_attempts`, `current_password_required`,
             *     `wrong_password`, `recent_qq_login_required`, `captcha_required`, `captcha_failed`;
             *     admin: `reason_required`,
             *     `reason_too_long`, `invalid_cursor`, `invalid_page`, `invalid_per_page`, `invalid_days`,
             *     `query_too_long`.
             */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Not signed in or not any more, or a bad link: `unauthorized`, `token_expired`,
             *     `token_revoked`, `bind_ticket_invalid`, `bind_ticket_expired`, `bind_ticket_used`,
             *     `qq_login_expired`, `reset_token_invalid`, `reset_token_expired`, `reset_token_used`,
             *     `reset_token_superseded`, `email_token_invalid`, `email_token_expired`,
             *     `email_token_used`, `email_token_superseded`.
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Signed in but not allowed: `forbidden` (e.g. a non-staff user on `/admin/*`);
             *     `cors_not_allowed` (a browser call from an origin, method or header not allowed).
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`, `qq_not_bound`, `binding_not_found`, `job_not_found`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Already bound or taken: `qq_already_bound`, `account_already_bound`, `nickname_taken`,
             *     `mobile_taken`, `email_taken`, `last_login_method`, `job_not_retryable`, `job_conflict`.
             */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Rate-limited: `too_many_attempts`, `sms_too_frequent`, `sms_daily_limit`; `retry_after`
             *     says how long to wait.
             */
            429: {
                headers: {
                    "RETRY-AFTER": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description QQ or Tencent Cloud failed or answered something unusable: `qq_unavailable`,
             *     `captcha_unavailable`.
             */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Try again shortly: `overloaded`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
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
            /**
             * @description Bad input: `invalid_request`, `invalid_next`, `invalid_code`, `state_invalid`,
             *     `state_expired`, `state_not_this_browser`, `state_used`, `invalid_credentials`, `invalid_mobile`, `invalid_nickname`,
             *     `invalid_password`, `invalid_email`, `invalid_account`, `sms_code_invalid`,
             *     `sms_code_expired`, `sms_code_too_many_attempts`, `current_password_required`,
             *     `wrong_password`, `recent_qq_login_required`, `captcha_required`, `captcha_failed`;
             *     admin: `reason_required`,
             *     `reason_too_long`, `invalid_cursor`, `invalid_page`, `invalid_per_page`, `invalid_days`,
             *     `query_too_long`.
             */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Not signed in or not any more, or a bad link: `unauthorized`, `token_expired`,
             *     `token_revoked`, `bind_ticket_invalid`, `bind_ticket_expired`, `bind_ticket_used`,
             *     `qq_login_expired`, `reset_token_invalid`, `reset_token_expired`, `reset_token_used`,
             *     `reset_token_superseded`, `email_token_invalid`, `email_token_expired`,
             *     `email_token_used`, `email_token_superseded`.
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Signed in but not allowed: `forbidden` (e.g. a non-staff user on `/admin/*`);
             *     `cors_not_allowed` (a browser call from an origin, method or header not allowed).
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`, `qq_not_bound`, `binding_not_found`, `job_not_found`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Already bound or taken: `qq_already_bound`, `account_already_bound`, `nickname_taken`,
             *     `mobile_taken`, `email_taken`, `last_login_method`, `job_not_retryable`, `job_conflict`.
             */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Rate-limited: `too_many_attempts`, `sms_too_frequent`, `sms_daily_limit`; `retry_after`
             *     says how long to wait.
             */
            429: {
                headers: {
                    "RETRY-AFTER": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description QQ or Tencent Cloud failed or answered something unusable: `qq_unavailable`,
             *     `captcha_unavailable`.
             */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Try again shortly: `overloaded`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
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
            /**
             * @description Bad input: `invalid_request`, `invalid_next`, `invalid_code`, `state_invalid`,
             *     `state_expired`, `state_not_this_browser`, `state_used`, `invalid_credentials`, `invalid_mobile`, `invalid_nickname`,
             *     `invalid_password`, `invalid_email`, `invalid_account`, `sms_code_invalid`,
             *     `sms_code_expired`, `sms_code_too_many_attempts`, `current_password_required`,
             *     `wrong_password`, `recent_qq_login_required`, `captcha_required`, `captcha_failed`;
             *     admin: `reason_required`,
             *     `reason_too_long`, `invalid_cursor`, `invalid_page`, `invalid_per_page`, `invalid_days`,
             *     `query_too_long`.
             */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Not signed in or not any more, or a bad link: `unauthorized`, `token_expired`,
             *     `token_revoked`, `bind_ticket_invalid`, `bind_ticket_expired`, `bind_ticket_used`,
             *     `qq_login_expired`, `reset_token_invalid`, `reset_token_expired`, `reset_token_used`,
             *     `reset_token_superseded`, `email_token_invalid`, `email_token_expired`,
             *     `email_token_used`, `email_token_superseded`.
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Signed in but not allowed: `forbidden` (e.g. a non-staff user on `/admin/*`);
             *     `cors_not_allowed` (a browser call from an origin, method or header not allowed).
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`, `qq_not_bound`, `binding_not_found`, `job_not_found`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Already bound or taken: `qq_already_bound`, `account_already_bound`, `nickname_taken`,
             *     `mobile_taken`, `email_taken`, `last_login_method`, `job_not_retryable`, `job_conflict`.
             */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Rate-limited: `too_many_attempts`, `sms_too_frequent`, `sms_daily_limit`; `retry_after`
             *     says how long to wait.
             */
            429: {
                headers: {
                    "RETRY-AFTER": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description QQ or Tencent Cloud failed or answered something unusable: `qq_unavailable`,
             *     `captcha_unavailable`.
             */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Try again shortly: `overloaded`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
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
            /**
             * @description Bad input: `invalid_request`, `invalid_next`, `invalid_code`, `state_invalid`,
             *     `state_expired`, `state_not_this_browser`, `state_used`, `invalid_credentials`, `invalid_mobile`, `invalid_nickname`,
             *     `invalid_password`, `invalid_email`, `invalid_account`, `sms_code_invalid`,
             *     `sms_code_expired`, `sms_code_too_many_attempts`, `current_password_required`,
             *     `wrong_password`, `recent_qq_login_required`, `captcha_required`, `captcha_failed`;
             *     admin: `reason_required`,
             *     `reason_too_long`, `invalid_cursor`, `invalid_page`, `invalid_per_page`, `invalid_days`,
             *     `query_too_long`.
             */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Not signed in or not any more, or a bad link: `unauthorized`, `token_expired`,
             *     `token_revoked`, `bind_ticket_invalid`, `bind_ticket_expired`, `bind_ticket_used`,
             *     `qq_login_expired`, `reset_token_invalid`, `reset_token_expired`, `reset_token_used`,
             *     `reset_token_superseded`, `email_token_invalid`, `email_token_expired`,
             *     `email_token_used`, `email_token_superseded`.
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Signed in but not allowed: `forbidden` (e.g. a non-staff user on `/admin/*`);
             *     `cors_not_allowed` (a browser call from an origin, method or header not allowed).
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`, `qq_not_bound`, `binding_not_found`, `job_not_found`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Already bound or taken: `qq_already_bound`, `account_already_bound`, `nickname_taken`,
             *     `mobile_taken`, `email_taken`, `last_login_method`, `job_not_retryable`, `job_conflict`.
             */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Rate-limited: `too_many_attempts`, `sms_too_frequent`, `sms_daily_limit`; `retry_after`
             *     says how long to wait.
             */
            429: {
                headers: {
                    "RETRY-AFTER": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description QQ or Tencent Cloud failed or answered something unusable: `qq_unavailable`,
             *     `captcha_unavailable`.
             */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Try again shortly: `overloaded`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    adminListAudit: {
        parameters: {
            query?: {
                /** @description What the entries are about (required). */
                target_type?: components["schemas"]["AuditTargetType"];
                /** @description Its id, e.g. the binding's id (required). */
                target_id?: number;
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
            /**
             * @description Bad input: `invalid_request`, `invalid_next`, `invalid_code`, `state_invalid`,
             *     `state_expired`, `state_not_this_browser`, `state_used`, `invalid_credentials`, `invalid_mobile`, `invalid_nickname`,
             *     `invalid_password`, `invalid_email`, `invalid_account`, `sms_code_invalid`,
             *     `sms_code_expired`, `sms_code_too_many_attempts`, `current_password_required`,
             *     `wrong_password`, `recent_qq_login_required`, `captcha_required`, `captcha_failed`;
             *     admin: `reason_required`,
             *     `reason_too_long`, `invalid_cursor`, `invalid_page`, `invalid_per_page`, `invalid_days`,
             *     `query_too_long`.
             */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Not signed in or not any more, or a bad link: `unauthorized`, `token_expired`,
             *     `token_revoked`, `bind_ticket_invalid`, `bind_ticket_expired`, `bind_ticket_used`,
             *     `qq_login_expired`, `reset_token_invalid`, `reset_token_expired`, `reset_token_used`,
             *     `reset_token_superseded`, `email_token_invalid`, `email_token_expired`,
             *     `email_token_used`, `email_token_superseded`.
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Signed in but not allowed: `forbidden` (e.g. a non-staff user on `/admin/*`);
             *     `cors_not_allowed` (a browser call from an origin, method or header not allowed).
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`, `qq_not_bound`, `binding_not_found`, `job_not_found`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Already bound or taken: `qq_already_bound`, `account_already_bound`, `nickname_taken`,
             *     `mobile_taken`, `email_taken`, `last_login_method`, `job_not_retryable`, `job_conflict`.
             */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description Rate-limited: `too_many_attempts`, `sms_too_frequent`, `sms_daily_limit`; `retry_after`
             *     says how long to wait.
             */
            429: {
                headers: {
                    "RETRY-AFTER": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal_error`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /**
             * @description QQ or Tencent Cloud failed or answered something unusable: `qq_unavailable`,
             *     `captcha_unavailable`.
             */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Try again shortly: `overloaded`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json; charset=utf-8": components["schemas"]["ErrorBody"];
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
        };
    };
}
