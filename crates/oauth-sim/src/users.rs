//! The people a simulator knows: one directory type for every provider. A person picks one on
//! the consent (or QR) page; each provider renders the same person in its own profile shape.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimUser {
    /// The login name typed or picked on the consent page (`sim_user=`).
    pub name: String,
    pub nickname: String,
    /// `男` or `女`.
    #[serde(default = "male")]
    pub gender: String,
    #[serde(default)]
    pub province: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub constellation: String,
}

fn male() -> String {
    "男".into()
}

impl SimUser {
    /// A user known only by name (gender 男, empty demographics).
    pub fn named(name: &str) -> Self {
        Self {
            name: name.into(),
            nickname: name.into(),
            gender: male(),
            province: String::new(),
            city: String::new(),
            year: String::new(),
            constellation: String::new(),
        }
    }

    pub fn with(
        name: &str,
        nickname: &str,
        gender: &str,
        province: &str,
        city: &str,
        year: &str,
    ) -> Self {
        Self {
            name: name.into(),
            nickname: nickname.into(),
            gender: gender.into(),
            province: province.into(),
            city: city.into(),
            year: year.into(),
            constellation: String::new(),
        }
    }

    pub fn is_female(&self) -> bool {
        self.gender == "女"
    }
}

/// The four users every simulator starts with.
pub fn default_users() -> Vec<SimUser> {
    vec![
        SimUser::with("xiaoming", "小明", "男", "广东", "深圳", "1990"),
        SimUser::with("xiaohong", "小红", "女", "北京", "海淀", "1995"),
        SimUser::with("laowang", "隔壁老王", "男", "上海", "", "1979"),
        SimUser::with("wenqing", "文青🌙", "女", "浙江", "杭州", "2001"),
    ]
}

/// Users by name.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    users: BTreeMap<String, SimUser>,
}

impl Directory {
    pub fn new(users: impl IntoIterator<Item = SimUser>) -> Self {
        Self {
            users: users.into_iter().map(|u| (u.name.clone(), u)).collect(),
        }
    }

    pub fn all(&self) -> impl Iterator<Item = &SimUser> {
        self.users.values()
    }

    pub fn get(&self, name: &str) -> Option<&SimUser> {
        self.users.get(name)
    }

    /// The named user, created on first use (nickname = name unless one is given).
    pub fn ensure(&mut self, name: &str, nickname: Option<&str>) -> &SimUser {
        let user = self
            .users
            .entry(name.to_owned())
            .or_insert_with(|| SimUser::named(name));
        if let Some(nick) = nickname.map(str::trim).filter(|n| !n.is_empty()) {
            user.nickname = nick.to_owned();
        }
        user
    }

    pub fn upsert(&mut self, user: SimUser) {
        self.users.insert(user.name.clone(), user);
    }

    /// The user picked on a consent form: `sim_user_new` wins over `sim_user`; at most 64
    /// characters; `None` when neither is usable.
    pub fn picked<'a>(new: Option<&'a str>, chosen: Option<&'a str>) -> Option<&'a str> {
        new.or(chosen)
            .map(str::trim)
            .filter(|u| !u.is_empty() && u.chars().count() <= 64)
    }
}

/// `--user NAME[:NICKNAME]`.
pub fn parse_user_flag(flag: &str) -> Option<SimUser> {
    let (name, nickname) = flag.split_once(':').unwrap_or((flag, flag));
    if name.is_empty() || nickname.is_empty() {
        return None;
    }
    let mut user = SimUser::named(name);
    user.nickname = nickname.to_owned();
    Some(user)
}
