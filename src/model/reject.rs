//! Why a row was rejected: [`RejectCode`], the codes rejects.csv has
//! always written, with their Chinese and English labels.

use serde::Serialize;

/// Why a row (or a whole file) was rejected: the stable machine-readable
/// code of rejects.csv and its Chinese and English names. One closed list,
/// so a report cannot meet a code it has no name for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RejectCode {
    Missing,
    BadDate,
    DateAfterPeriod,
    DateTooEarly,
    DateOrder,
    UnknownUnit,
    UnknownRegion,
    UnknownType,
    UnknownSource,
    UnknownValue,
    Negative,
    BadNumber,
    BadYesNo,
    BadCoordinate,
    FieldCount,
    Duplicate,
    NoUnit,
    Unreadable,
    NoHeader,
    BadRecord,
    UnknownTarget,
    DuplicateColumn,
    Conflict,
}

impl RejectCode {
    /// The code as rejects.csv writes it (`missing_required`).
    pub fn as_str(self) -> &'static str {
        match self {
            RejectCode::Missing => "missing_required",
            RejectCode::BadDate => "bad_date",
            RejectCode::DateAfterPeriod => "date_after_period",
            RejectCode::DateTooEarly => "date_before_2000",
            RejectCode::DateOrder => "date_order",
            RejectCode::UnknownUnit => "unknown_unit",
            RejectCode::UnknownRegion => "unknown_region",
            RejectCode::UnknownType => "unknown_violation_type",
            RejectCode::UnknownSource => "unknown_source",
            RejectCode::UnknownValue => "unknown_value",
            RejectCode::Negative => "negative_number",
            RejectCode::BadNumber => "bad_number",
            RejectCode::BadYesNo => "bad_yes_no",
            RejectCode::BadCoordinate => "bad_coordinate",
            RejectCode::FieldCount => "field_count",
            RejectCode::Duplicate => "duplicate_case",
            RejectCode::NoUnit => "unit_undetermined",
            RejectCode::Unreadable => "unreadable_file",
            RejectCode::NoHeader => "no_header",
            RejectCode::BadRecord => "bad_record",
            RejectCode::UnknownTarget => "unknown_target",
            RejectCode::DuplicateColumn => "duplicate_column",
            RejectCode::Conflict => "conflicting_record",
        }
    }

    /// The Chinese name reports give the code.
    pub fn label(self) -> &'static str {
        match self {
            RejectCode::Missing => "必填项为空",
            RejectCode::BadDate => "日期无法识别",
            RejectCode::DateAfterPeriod => "日期晚于季度末",
            RejectCode::DateTooEarly => "日期早于2000年",
            RejectCode::DateOrder => "日期先后有误",
            RejectCode::UnknownUnit => "单位无法识别",
            RejectCode::UnknownRegion => "县市区无法识别",
            RejectCode::UnknownType => "违法类型无法识别",
            RejectCode::UnknownSource => "线索来源无法识别",
            RejectCode::UnknownValue => "取值无法识别",
            RejectCode::Negative => "数值为负",
            RejectCode::BadNumber => "数值无法识别",
            RejectCode::BadYesNo => "是/否无法识别",
            RejectCode::BadCoordinate => "坐标无效",
            RejectCode::FieldCount => "列数与表头不符",
            RejectCode::Duplicate => "编号重复",
            RejectCode::NoUnit => "无法确定填报单位",
            RejectCode::Unreadable => "文件无法读取",
            RejectCode::NoHeader => "找不到表头",
            RejectCode::BadRecord => "行无法解析",
            RejectCode::UnknownTarget => "考核对象无法识别",
            RejectCode::DuplicateColumn => "重复列的值不一致",
            RejectCode::Conflict => "与前一行矛盾",
        }
    }

    /// The English name.
    pub fn label_en(self) -> &'static str {
        match self {
            RejectCode::Missing => "required field empty",
            RejectCode::BadDate => "date not recognised",
            RejectCode::DateAfterPeriod => "date after the quarter end",
            RejectCode::DateTooEarly => "date before 2000",
            RejectCode::DateOrder => "dates out of order",
            RejectCode::UnknownUnit => "unit not recognised",
            RejectCode::UnknownRegion => "region not recognised",
            RejectCode::UnknownType => "violation type not recognised",
            RejectCode::UnknownSource => "source not recognised",
            RejectCode::UnknownValue => "value not recognised",
            RejectCode::Negative => "negative number",
            RejectCode::BadNumber => "number not recognised",
            RejectCode::BadYesNo => "yes/no not recognised",
            RejectCode::BadCoordinate => "invalid coordinate",
            RejectCode::FieldCount => "field count differs from the header",
            RejectCode::Duplicate => "duplicate case number",
            RejectCode::NoUnit => "reporting unit undetermined",
            RejectCode::Unreadable => "file unreadable",
            RejectCode::NoHeader => "no header found",
            RejectCode::BadRecord => "row cannot be parsed",
            RejectCode::UnknownTarget => "assessment target not recognised",
            RejectCode::DuplicateColumn => "repeated column disagrees",
            RejectCode::Conflict => "contradicts an earlier row",
        }
    }
}

impl std::fmt::Display for RejectCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A code equals its string (`code == "bad_date"`), as rejects.csv reads.
impl PartialEq<&str> for RejectCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Serialize for RejectCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod reject_code_tests {
    use super::RejectCode::{self, *};

    #[test]
    fn reject_codes_are_the_strings_rejects_csv_has_always_written() {
        let all: [RejectCode; 23] = [
            Missing,
            BadDate,
            DateAfterPeriod,
            DateTooEarly,
            DateOrder,
            UnknownUnit,
            UnknownRegion,
            UnknownType,
            UnknownSource,
            UnknownValue,
            Negative,
            BadNumber,
            BadYesNo,
            BadCoordinate,
            FieldCount,
            Duplicate,
            NoUnit,
            Unreadable,
            NoHeader,
            BadRecord,
            UnknownTarget,
            DuplicateColumn,
            Conflict,
        ];
        let strings: Vec<&str> = all.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            strings.join(","),
            "missing_required,bad_date,date_after_period,date_before_2000,date_order,unknown_unit,unknown_region,unknown_violation_type,unknown_source,unknown_value,negative_number,bad_number,bad_yes_no,bad_coordinate,field_count,duplicate_case,unit_undetermined,unreadable_file,no_header,bad_record,unknown_target,duplicate_column,conflicting_record"
        );
        // every code has its own names, and serialises as its string
        let labels: std::collections::BTreeSet<&str> = all.iter().map(|c| c.label()).collect();
        assert_eq!(labels.len(), all.len());
        assert!(all.iter().all(|c| !c.label_en().is_empty()));
        assert_eq!(serde_json::to_string(&BadDate).unwrap(), "\"bad_date\"");
        assert!(BadDate == "bad_date");
    }
}
