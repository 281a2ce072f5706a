//! Export recipes: the encodings, delimiters, header, date, amount and
//! yes/no forms a unit's case export takes in a quarter (eleven messy
//! recipes rotate through the units; `--clean` uses one).

use super::*;

// ---------------------------------------------------------------------------
// Export recipes (messy formats)
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Enc {
    Utf8,
    Utf8Bom,
    Gb18030,
    Utf16Le,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DateStyle {
    Iso,
    Slash,
    Dot,
    Chinese,
    Compact,
    Serial,
    WithTime,
    Mixed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum YesNo {
    Shi,
    Yn,
    Check,
    OneZero,
    English,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Money {
    Plain,
    Grouped,
    WanSuffix,
    WanHeader,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum HeaderStyle {
    Canonical,
    Alias,
    English,
    Spaced,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum UnitForm {
    Canonical,
    Old,
    Full,
    /// No 填报单位 column: the unit is in the file name only.
    FileName,
}

#[derive(Debug, Clone)]
pub(super) struct Recipe {
    pub(super) enc: Enc,
    pub(super) delim: u8,
    pub(super) crlf: bool,
    pub(super) title: bool,
    pub(super) total: bool,
    pub(super) seq_col: bool,
    pub(super) headers: HeaderStyle,
    pub(super) dates: DateStyle,
    pub(super) yes_no: YesNo,
    pub(super) money: Money,
    pub(super) unit_form: UnitForm,
    pub(super) region_short: bool,
    pub(super) name_aliases: bool,
    pub(super) status_col: bool,
    pub(super) shuffle: bool,
    pub(super) ext: &'static str,
    /// Written as a workbook instead of a text file.
    pub(super) book: Option<BookKind>,
}

impl Recipe {
    pub(super) fn clean() -> Recipe {
        Recipe {
            enc: Enc::Utf8,
            delim: b',',
            crlf: false,
            title: false,
            total: false,
            seq_col: false,
            headers: HeaderStyle::Canonical,
            dates: DateStyle::Iso,
            yes_no: YesNo::Shi,
            money: Money::Plain,
            unit_form: UnitForm::Canonical,
            region_short: false,
            name_aliases: false,
            status_col: true,
            shuffle: false,
            ext: "csv",
            book: None,
        }
    }

    /// The eleven messy export recipes; in the last quarter unit `i` uses recipe `i`.
    pub(super) fn messy(k: usize) -> Recipe {
        let base = Recipe {
            status_col: false,
            ..Recipe::clean()
        };
        match k % 11 {
            0 => Recipe {
                enc: Enc::Gb18030,
                title: true,
                total: true,
                seq_col: true,
                dates: DateStyle::Slash,
                unit_form: UnitForm::Old,
                ..base
            },
            1 => Recipe {
                dates: DateStyle::Compact,
                unit_form: UnitForm::FileName,
                region_short: true,
                ..base
            },
            2 => Recipe {
                enc: Enc::Utf8Bom,
                crlf: true,
                headers: HeaderStyle::Alias,
                dates: DateStyle::Chinese,
                yes_no: YesNo::Yn,
                name_aliases: true,
                status_col: true,
                ..base
            },
            3 => Recipe {
                enc: Enc::Utf16Le,
                delim: b'\t',
                crlf: true,
                dates: DateStyle::Serial,
                yes_no: YesNo::Check,
                unit_form: UnitForm::Full,
                ext: "txt",
                ..base
            },
            4 => Recipe {
                money: Money::WanHeader,
                dates: DateStyle::WithTime,
                headers: HeaderStyle::Spaced,
                ..base
            },
            5 => Recipe {
                delim: b'\t',
                money: Money::WanSuffix,
                unit_form: UnitForm::Old,
                region_short: true,
                ..base
            },
            6 => Recipe {
                enc: Enc::Utf8Bom,
                title: true,
                money: Money::Grouped,
                dates: DateStyle::Dot,
                unit_form: UnitForm::Old,
                status_col: true,
                ..base
            },
            7 => Recipe {
                headers: HeaderStyle::English,
                shuffle: true,
                yes_no: YesNo::English,
                ..base
            },
            8 => Recipe::clean(),
            9 => Recipe {
                enc: Enc::Gb18030,
                crlf: true,
                total: true,
                headers: HeaderStyle::Alias,
                dates: DateStyle::Mixed,
                name_aliases: true,
                unit_form: UnitForm::Full,
                ..base
            },
            _ => Recipe {
                total: true,
                yes_no: YesNo::OneZero,
                unit_form: UnitForm::Full,
                money: Money::Grouped,
                ..base
            },
        }
    }
}
