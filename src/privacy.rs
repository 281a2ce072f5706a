//! Masking personal data (当事人, 当事人证件号) before it leaves the tool.

/// Mask a personal name: the first character stays (张三 → 张*, 欧阳修文 → 欧***).
pub fn mask_name(s: &str) -> String {
    let mut chars = s.trim().chars();
    match chars.next() {
        None => String::new(),
        Some(first) => {
            let rest = chars.count();
            format!("{first}{}", "*".repeat(rest.max(1)))
        }
    }
}

/// Mask an id number: first 4 and last 4 characters stay (3303**********1234);
/// short ids keep only their first character.
pub fn mask_id(s: &str) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    let n = chars.len();
    if n == 0 {
        return String::new();
    }
    if n <= 8 {
        return format!("{}{}", chars[0], "*".repeat(n - 1));
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[n - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(n - 8))
}
