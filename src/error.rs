//! Fatal errors: one clear line in Chinese and English.

use std::path::{Path, PathBuf};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("无法读写 {path}：{source} / cannot access {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("配置文件 {file} 有误：{message} / bad configuration in {file}")]
    Config { file: String, message: String },
    #[error("{zh} / {en}")]
    Usage { zh: String, en: String },
    #[error("{0}")]
    Other(String),
}

impl Error {
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }
    pub fn usage(zh: impl Into<String>, en: impl Into<String>) -> Error {
        Error::Usage {
            zh: zh.into(),
            en: en.into(),
        }
    }
}
