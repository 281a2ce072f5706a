//! Reason codes (stable, machine-readable): the `code` of every rejection
//! in rejects.csv, and the Chinese name reports give each. Apart from the
//! row readers because file errors, duplicates and conflicts use them too.

pub const MISSING: &str = "missing_required";
pub const BAD_DATE: &str = "bad_date";
pub const DATE_AFTER_PERIOD: &str = "date_after_period";
pub const DATE_TOO_EARLY: &str = "date_before_2000";
pub const DATE_ORDER: &str = "date_order";
pub const UNKNOWN_UNIT: &str = "unknown_unit";
pub const UNKNOWN_REGION: &str = "unknown_region";
pub const UNKNOWN_TYPE: &str = "unknown_violation_type";
pub const UNKNOWN_SOURCE: &str = "unknown_source";
pub const UNKNOWN_VALUE: &str = "unknown_value";
pub const NEGATIVE: &str = "negative_number";
pub const BAD_NUMBER: &str = "bad_number";
pub const BAD_YES_NO: &str = "bad_yes_no";
pub const BAD_COORDINATE: &str = "bad_coordinate";
pub const FIELD_COUNT: &str = "field_count";
pub const DUPLICATE: &str = "duplicate_case";
pub const NO_UNIT: &str = "unit_undetermined";
pub const UNREADABLE: &str = "unreadable_file";
pub const NO_HEADER: &str = "no_header";
pub const BAD_RECORD: &str = "bad_record";
pub const UNKNOWN_TARGET: &str = "unknown_target";
pub const DUPLICATE_COLUMN: &str = "duplicate_column";
pub const CONFLICT: &str = "conflicting_record";

/// The Chinese name of a reason code, for reports.
pub fn label(code: &str) -> &'static str {
    match code {
        MISSING => "必填项为空",
        BAD_DATE => "日期无法识别",
        DATE_AFTER_PERIOD => "日期晚于季度末",
        DATE_TOO_EARLY => "日期早于2000年",
        DATE_ORDER => "日期先后有误",
        UNKNOWN_UNIT => "单位无法识别",
        UNKNOWN_REGION => "县市区无法识别",
        UNKNOWN_TYPE => "违法类型无法识别",
        UNKNOWN_SOURCE => "线索来源无法识别",
        UNKNOWN_VALUE => "取值无法识别",
        NEGATIVE => "数值为负",
        BAD_NUMBER => "数值无法识别",
        BAD_YES_NO => "是/否无法识别",
        BAD_COORDINATE => "坐标无效",
        FIELD_COUNT => "列数与表头不符",
        DUPLICATE => "编号重复",
        NO_UNIT => "无法确定填报单位",
        UNREADABLE => "文件无法读取",
        NO_HEADER => "找不到表头",
        BAD_RECORD => "行无法解析",
        UNKNOWN_TARGET => "考核对象无法识别",
        DUPLICATE_COLUMN => "重复列的值不一致",
        CONFLICT => "与前一行矛盾",
        _ => "其他",
    }
}
