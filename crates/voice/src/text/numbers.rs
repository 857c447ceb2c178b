//! Numbers as written (`1,234.50`, `0.5`, `007`), kept as digit strings so scaling by
//! powers of ten (`1.4 trillion` → `1.4 万亿`) is exact.

/// A non-negative decimal number as its digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decimal {
    /// Integer digits, no leading zeros except a lone `0`.
    pub int: String,
    /// Fraction digits, trailing zeros removed.
    pub frac: String,
}

impl Decimal {
    /// Parses `1234`, `1,234,567.5`, `0.25`, `.5`. Thousands separators must group by
    /// three; anything else is not a number.
    pub fn parse(text: &str) -> Option<Decimal> {
        let (int, frac) = match text.split_once('.') {
            Some((i, f)) => (i, f),
            None => (text, ""),
        };
        if !frac.chars().all(|c| c.is_ascii_digit()) || (int.is_empty() && frac.is_empty()) {
            return None;
        }
        let int = if int.contains(',') {
            let groups: Vec<&str> = int.split(',').collect();
            let first_ok = (1..=3).contains(&groups[0].len());
            let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
            if !first_ok || !rest_ok {
                return None;
            }
            groups.concat()
        } else {
            int.to_string()
        };
        if !int.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        Some(Decimal::from_parts(&int, frac))
    }

    fn from_parts(int: &str, frac: &str) -> Decimal {
        let int = int.trim_start_matches('0');
        let frac = frac.trim_end_matches('0');
        Decimal {
            int: if int.is_empty() {
                "0".into()
            } else {
                int.into()
            },
            frac: frac.into(),
        }
    }

    /// Multiplies by 10^`power` (negative divides).
    pub fn shift(&self, power: i32) -> Decimal {
        let digits = format!("{}{}", self.int, self.frac);
        let point = self.int.len() as i64 + i64::from(power);
        if point <= 0 {
            let zeros = "0".repeat((-point) as usize);
            Decimal::from_parts("0", &format!("{zeros}{digits}"))
        } else if point as usize >= digits.len() {
            let zeros = "0".repeat(point as usize - digits.len());
            Decimal::from_parts(&format!("{digits}{zeros}"), "")
        } else {
            let (i, f) = digits.split_at(point as usize);
            Decimal::from_parts(i, f)
        }
    }

    /// The integer value, if there is no fraction and it fits.
    pub fn integer(&self) -> Option<u128> {
        if self.frac.is_empty() {
            self.int.parse().ok()
        } else {
            None
        }
    }

    /// Number of integer digits (1 for values below 10).
    pub fn int_digits(&self) -> usize {
        self.int.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(i: &str, f: &str) -> Decimal {
        Decimal {
            int: i.into(),
            frac: f.into(),
        }
    }

    #[test]
    fn parses() {
        for (text, want) in [
            ("1234", Some(d("1234", ""))),
            ("1,234,567.50", Some(d("1234567", "5"))),
            ("0.25", Some(d("0", "25"))),
            (".5", Some(d("0", "5"))),
            ("007", Some(d("7", ""))),
            ("5.", Some(d("5", ""))),
            ("12,34", None),
            ("1,2345", None),
            ("1.2.3", None),
            ("", None),
            ("abc", None),
        ] {
            assert_eq!(Decimal::parse(text), want, "{text}");
        }
    }

    #[test]
    fn shifts_exactly() {
        let x = Decimal::parse("1.4").unwrap();
        assert_eq!(x.shift(12), d("1400000000000", ""));
        assert_eq!(x.shift(12).shift(-12), x);
        assert_eq!(
            Decimal::parse("100").unwrap().shift(9).shift(-8),
            d("1000", "")
        );
        assert_eq!(
            Decimal::parse("2.5").unwrap().shift(6).shift(-4),
            d("250", "")
        );
        assert_eq!(Decimal::parse("38").unwrap().shift(-3), d("0", "038"));
        assert_eq!(Decimal::parse("1234.5").unwrap().integer(), None);
        assert_eq!(Decimal::parse("1234").unwrap().integer(), Some(1234));
    }
}
