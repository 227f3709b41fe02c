//! Splitting the accounts of a scan across machines: shard `K/N` holds the accounts whose
//! id modulo `N` is `K − 1`, so the split is the same on every run and every machine, and
//! each account is in exactly one shard.
//!
//! ```
//! use cloudposture_core::Shard;
//!
//! let shard: Shard = "2/3".parse().unwrap();
//! assert!(shard.holds("111111111112")); // 111111111112 mod 3 = 1
//! assert!(!shard.holds("111111111111"));
//! assert_eq!(shard.to_string(), "2/3");
//! assert!("0/3".parse::<Shard>().is_err());
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One of `count` shards, counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Shard {
    /// Which shard, from 1 to `count`.
    pub index: u32,
    /// How many shards the accounts are split into.
    pub count: u32,
}

impl Shard {
    /// Shard `index` of `count`, if `1 <= index <= count`.
    pub fn new(index: u32, count: u32) -> Result<Shard, ShardError> {
        if count == 0 {
            return Err(ShardError("the number of shards must be at least 1".into()));
        }
        if index == 0 || index > count {
            return Err(ShardError(format!(
                "shard {index} of {count} does not exist: shards are counted from 1 to {count}"
            )));
        }
        Ok(Shard { index, count })
    }

    /// Whether the account `id` (12 digits) belongs to this shard: its id modulo the
    /// number of shards is the shard's index minus one. An id that is not a number
    /// belongs to none.
    pub fn holds(&self, id: &str) -> bool {
        id.parse::<u64>()
            .is_ok_and(|n| n % u64::from(self.count) == u64::from(self.index - 1))
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = ShardError;

    /// `K/N`, e.g. `2/3`.
    fn from_str(value: &str) -> Result<Shard, ShardError> {
        let (k, n) = value
            .split_once('/')
            .ok_or_else(|| ShardError(format!("`{value}` is not a shard: write K/N, e.g. 1/3")))?;
        let number = |s: &str, what: &str| {
            s.trim()
                .parse::<u32>()
                .map_err(|_| ShardError(format!("`{value}` is not a shard: {what} `{s}` is not a number")))
        };
        Shard::new(number(k, "K")?, number(n, "N")?)
    }
}

/// A shard that does not exist or could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ShardError(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_account_is_in_exactly_one_shard() {
        let ids = [
            "000000000000",
            "111122223333",
            "444455556666",
            "999999999999",
            "123456789012",
        ];
        for count in 1..=7 {
            for id in ids {
                let holding: Vec<u32> = (1..=count)
                    .filter(|&k| Shard::new(k, count).unwrap().holds(id))
                    .collect();
                assert_eq!(holding.len(), 1, "{id} in shards {holding:?} of {count}");
            }
        }
        assert!(Shard::new(1, 3).unwrap().holds("000000000003"));
        assert!(Shard::new(3, 3).unwrap().holds("000000000002"));
        assert!(!Shard::new(1, 1).unwrap().holds("not-an-id"));
    }

    #[test]
    fn bad_shards_say_what_is_wrong() {
        assert_eq!(
            "4/3".parse::<Shard>().unwrap_err().to_string(),
            "shard 4 of 3 does not exist: shards are counted from 1 to 3"
        );
        assert_eq!(
            "1/0".parse::<Shard>().unwrap_err().to_string(),
            "the number of shards must be at least 1"
        );
        assert_eq!(
            "two/3".parse::<Shard>().unwrap_err().to_string(),
            "`two/3` is not a shard: K `two` is not a number"
        );
        assert_eq!(
            "3".parse::<Shard>().unwrap_err().to_string(),
            "`3` is not a shard: write K/N, e.g. 1/3"
        );
        assert_eq!(
            " 2 / 3 ".trim().parse::<Shard>().unwrap(),
            Shard { index: 2, count: 3 }
        );
    }
}
