//! Simulated Tencent Cloud SMS (`sms`, version 2021-01-11): `SendSms`.
//!
//! Checks the app, signature and template against its configuration, enforces the default
//! per-number frequency limits of the real service (1 per 30 s, 5 per hour, 10 per day), answers
//! `SendStatusSet` as documented, and writes every SMS it "delivers" into the dev outbox as
//! `【SignName】` + the rendered template, so `/dev/outbox` shows what the phone would.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value, json};

use super::{ApiError, SimCall, SimFuture, SimService};
use crate::mail::{MessageKind, Outbox, OutboxMessage};

pub const SERVICE: &str = "sms";
pub const VERSION: &str = "2021-01-11";

/// The dev SMS app, signature and verification-code template (public values).
pub const DEV_SMS_APP_ID: &str = "1400000001";
pub const DEV_SMS_SIGN_NAME: &str = "荏苒";
pub const DEV_SMS_TEMPLATE_ID: &str = "2000001";
/// `{1}` the code, `{2}` its minutes: the text passport's outbox gateway also renders.
pub const DEV_SMS_TEMPLATE: &str = "您的验证码是{1}，{2}分钟内有效。请勿告诉他人。";

/// At most this many numbers in one SendSms.
pub const MAX_NUMBERS: usize = 200;

/// The service's default frequency limits per number (configurable in the console).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmsLimits {
    pub per_30_seconds: usize,
    pub per_hour: usize,
    pub per_day: usize,
}

impl Default for SmsLimits {
    fn default() -> Self {
        Self {
            per_30_seconds: 1,
            per_hour: 5,
            per_day: 10,
        }
    }
}

#[derive(Clone, Debug)]
pub struct SmsSimConfig {
    pub app_id: String,
    pub sign_name: String,
    /// Approved templates: id → text with `{1}`, `{2}`… placeholders.
    pub templates: BTreeMap<String, String>,
    pub limits: SmsLimits,
    /// Where delivered messages are written (`None`: nowhere, only remembered).
    pub outbox_dir: Option<PathBuf>,
}

impl Default for SmsSimConfig {
    fn default() -> Self {
        Self {
            app_id: DEV_SMS_APP_ID.to_owned(),
            sign_name: DEV_SMS_SIGN_NAME.to_owned(),
            templates: BTreeMap::from([(
                DEV_SMS_TEMPLATE_ID.to_owned(),
                DEV_SMS_TEMPLATE.to_owned(),
            )]),
            limits: SmsLimits::default(),
            outbox_dir: None,
        }
    }
}

/// One SMS the simulator delivered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveredSms {
    /// E.164, as sent (`+8613800138000`).
    pub phone_number: String,
    pub text: String,
    pub serial_no: String,
    pub sent_at: i64,
}

#[derive(Default)]
struct SmsState {
    /// Per E.164 number: the times of accepted sends (for the frequency limits).
    sends: HashMap<String, Vec<i64>>,
    delivered: Vec<DeliveredSms>,
    serial: u64,
}

pub struct SmsSim {
    config: SmsSimConfig,
    state: Arc<Mutex<SmsState>>,
}

impl SmsSim {
    pub fn new(config: SmsSimConfig) -> Self {
        Self {
            config,
            state: Arc::new(Mutex::new(SmsState::default())),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, SmsState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    async fn send_sms(&self, call: SimCall<'_>) -> Result<Map<String, Value>, ApiError> {
        let p = call.params;
        let phones = string_array(p, "PhoneNumberSet")?;
        if phones.is_empty() {
            return Err(ApiError::missing_parameter("PhoneNumberSet"));
        }
        if phones.len() > MAX_NUMBERS {
            return Err(ApiError::new(
                "LimitExceeded.PhoneNumberCountLimit",
                format!("At most {MAX_NUMBERS} phone numbers per request."),
            ));
        }
        let app_id = required_string(p, "SmsSdkAppId")?;
        let template_id = required_string(p, "TemplateId")?;
        let sign_name = optional_string(p, "SignName")?.unwrap_or_default();
        let params = match p.get("TemplateParamSet") {
            None | Some(Value::Null) => Vec::new(),
            Some(_) => string_array(p, "TemplateParamSet")?,
        };
        let session_context = optional_string(p, "SessionContext")?.unwrap_or_default();
        if app_id != self.config.app_id {
            return Err(ApiError::new(
                "InvalidParameterValue.SdkAppIdNotExist",
                "SdkAppId does not exist.",
            ));
        }
        // Domestic messages must carry an approved signature.
        if sign_name != self.config.sign_name {
            return Err(ApiError::new(
                "FailedOperation.SignatureIncorrectOrUnapproved",
                "signature format error or signature not approved",
            ));
        }
        let Some(template) = self.config.templates.get(&template_id) else {
            return Err(ApiError::new(
                "FailedOperation.TemplateIncorrectOrUnapproved",
                "template format error or template not approved",
            ));
        };
        if placeholder_count(template) != params.len() {
            return Err(ApiError::new(
                "FailedOperation.TemplateParamSetNotMatchApprovedTemplate",
                "the number of template parameters does not match the approved template",
            ));
        }
        let text = format!("【{}】{}", self.config.sign_name, render(template, &params));

        let mut set = Vec::with_capacity(phones.len());
        let mut outbox_writes = Vec::new();
        {
            let mut state = self.lock();
            for phone in &phones {
                let status = match (normalise(phone), &call.forced_status) {
                    (None, _) => Err(ApiError::new(
                        "InvalidParameterValue.IncorrectPhoneNumber",
                        "incorrect phone number",
                    )),
                    (Some(_), Some(forced)) => Err(forced.clone()),
                    (Some(e164), None) => self.admit(&mut state, &e164, call.now).map(|()| e164),
                };
                match status {
                    Ok(e164) => {
                        state.serial += 1;
                        let serial_no = format!("2640:{}{:010}", call.now, state.serial);
                        state.delivered.push(DeliveredSms {
                            phone_number: e164.clone(),
                            text: text.clone(),
                            serial_no: serial_no.clone(),
                            sent_at: call.now,
                        });
                        outbox_writes.push((serial_no.clone(), e164.clone()));
                        set.push(json!({
                            "SerialNo": serial_no,
                            "PhoneNumber": e164,
                            "Fee": 1,
                            "SessionContext": session_context,
                            "Code": "Ok",
                            "Message": "send success",
                            "IsoCode": iso_code(&e164),
                        }));
                    }
                    Err(e) => set.push(json!({
                        "SerialNo": "",
                        "PhoneNumber": phone,
                        "Fee": 0,
                        "SessionContext": session_context,
                        "Code": e.code,
                        "Message": e.message,
                        "IsoCode": normalise(phone).map(|n| iso_code(&n)).unwrap_or("DEF"),
                    })),
                }
            }
        }
        if let Some(dir) = &self.config.outbox_dir {
            let outbox = Outbox::new(dir.clone());
            for (serial_no, e164) in outbox_writes {
                let message = OutboxMessage {
                    kind: MessageKind::Sms,
                    // The outbox has always named mainland numbers by their 11 digits.
                    to: e164.strip_prefix("+86").unwrap_or(&e164).to_owned(),
                    subject: String::new(),
                    body: text.clone(),
                    sent_at: chrono::DateTime::from_timestamp(call.now, 0).unwrap_or_default(),
                };
                // The key names the file: one file per delivered SMS.
                if let Err(e) = outbox
                    .write(&format!("tencent-{serial_no}"), &message)
                    .await
                {
                    return Err(ApiError::new(
                        "InternalError",
                        format!("the simulator cannot write to its outbox: {e}"),
                    ));
                }
            }
        }
        let mut out = Map::new();
        out.insert("SendStatusSet".into(), Value::Array(set));
        Ok(out)
    }

    /// Count one send to `e164` at `now`, or say which limit it hits.
    fn admit(&self, state: &mut SmsState, e164: &str, now: i64) -> Result<(), ApiError> {
        let times = state.sends.entry(e164.to_owned()).or_default();
        times.retain(|t| now - t < 86_400);
        let within = |secs: i64| times.iter().filter(|t| now - **t < secs).count();
        let limits = &self.config.limits;
        if within(30) >= limits.per_30_seconds {
            return Err(ApiError::new(
                "LimitExceeded.PhoneNumberThirtySecondLimit",
                "the number of sms messages sent from a single mobile number within 30 seconds exceeds the upper limit",
            ));
        }
        if within(3600) >= limits.per_hour {
            return Err(ApiError::new(
                "LimitExceeded.PhoneNumberOneHourLimit",
                "the number of sms messages sent from a single mobile number within 1 hour exceeds the upper limit",
            ));
        }
        if times.len() >= limits.per_day {
            return Err(ApiError::new(
                "LimitExceeded.PhoneNumberDailyLimit",
                "the number of sms messages sent from a single mobile number every day exceeds the upper limit",
            ));
        }
        times.push(now);
        Ok(())
    }

    /// Every SMS delivered so far, oldest first.
    pub fn delivered(&self) -> Vec<DeliveredSms> {
        self.lock().delivered.clone()
    }
}

impl SimService for SmsSim {
    fn service(&self) -> &'static str {
        SERVICE
    }

    fn version(&self) -> &'static str {
        VERSION
    }

    fn call<'a>(&'a self, call: SimCall<'a>) -> Option<SimFuture<'a>> {
        match call.action {
            "SendSms" => Some(Box::pin(self.send_sms(call))),
            _ => None,
        }
    }

    fn overview(&self) -> Value {
        let state = self.lock();
        json!({
            "version": VERSION,
            "app_id": self.config.app_id,
            "sign_name": self.config.sign_name,
            "templates": self.config.templates,
            "limits": {
                "per_30_seconds": self.config.limits.per_30_seconds,
                "per_hour": self.config.limits.per_hour,
                "per_day": self.config.limits.per_day,
            },
            "delivered": state.delivered.len(),
        })
    }

    fn reset(&self) {
        let mut state = self.lock();
        state.sends.clear();
        state.delivered.clear();
    }
}

/// The number in E.164 if the service would accept it: `+86` + a mainland mobile (also given
/// as `0086…`, `86…` or 11 bare digits, as the documentation allows), or another `+CC…` number.
fn normalise(phone: &str) -> Option<String> {
    let mainland = |d: &str| {
        let b = d.as_bytes();
        b.len() == 11
            && b.iter().all(u8::is_ascii_digit)
            && b[0] == b'1'
            && (b'3'..=b'9').contains(&b[1])
    };
    for prefix in ["+86", "0086", "86"] {
        if let Some(rest) = phone.strip_prefix(prefix)
            && rest.len() == 11
        {
            return mainland(rest).then(|| format!("+86{rest}"));
        }
    }
    if mainland(phone) {
        return Some(format!("+86{phone}"));
    }
    let digits = phone.strip_prefix('+')?;
    let ok = (7..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
        && !digits.starts_with("86");
    ok.then(|| phone.to_owned())
}

fn iso_code(e164: &str) -> &'static str {
    match e164 {
        n if n.starts_with("+86") => "CN",
        n if n.starts_with("+852") => "HK",
        n if n.starts_with("+853") => "MO",
        n if n.starts_with("+886") => "TW",
        n if n.starts_with("+1") => "US",
        _ => "DEF",
    }
}

fn placeholder_count(template: &str) -> usize {
    (1..=20)
        .take_while(|i| template.contains(&format!("{{{i}}}")))
        .count()
}

fn render(template: &str, params: &[String]) -> String {
    params
        .iter()
        .enumerate()
        .fold(template.to_owned(), |text, (i, value)| {
            text.replace(&format!("{{{}}}", i + 1), value)
        })
}

fn required_string(p: &Map<String, Value>, name: &str) -> Result<String, ApiError> {
    optional_string(p, name)?
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::missing_parameter(name))
}

fn optional_string(p: &Map<String, Value>, name: &str) -> Result<Option<String>, ApiError> {
    match p.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ApiError::invalid_parameter(format!(
            "The type of parameter `{name}` should be String."
        ))),
    }
}

fn string_array(p: &Map<String, Value>, name: &str) -> Result<Vec<String>, ApiError> {
    match p.get(name) {
        None | Some(Value::Null) => Err(ApiError::missing_parameter(name)),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| {
                ApiError::invalid_parameter(format!(
                    "The type of parameter `{name}` should be Array of String."
                ))
            }),
        Some(_) => Err(ApiError::invalid_parameter(format!(
            "The type of parameter `{name}` should be Array of String."
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_as_the_documentation_allows() {
        for (input, expected) in [
            ("+8613800138000", Some("+8613800138000")),
            ("008613800138000", Some("+8613800138000")),
            ("8613800138000", Some("+8613800138000")),
            ("13800138000", Some("+8613800138000")),
            ("+85261234567", Some("+85261234567")),
            ("+8612800138000", None),
            ("+86123", None),
            ("call me", None),
            ("", None),
        ] {
            assert_eq!(normalise(input).as_deref(), expected, "{input}");
        }
    }

    #[test]
    fn templates_render_their_numbered_parameters() {
        assert_eq!(placeholder_count(DEV_SMS_TEMPLATE), 2);
        assert_eq!(
            render(DEV_SMS_TEMPLATE, &["123456".into(), "5".into()]),
            "您的验证码是123456，5分钟内有效。请勿告诉他人。"
        );
    }
}
