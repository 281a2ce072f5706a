//! The config loader: user text merged over the embedded defaults; an
//! accepted config must also build a name resolver.
#![no_main]

use libfuzzer_sys::fuzz_target;
use minebrief::config::Config;
use minebrief::config::names::Resolver;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    match Config::from_user_text(s) {
        Ok(cfg) => {
            assert!(cfg.check().is_ok());
            let r = Resolver::new(&cfg);
            for u in cfg.unit_names() {
                let _ = r.unit(u);
            }
            for g in cfg.region_names() {
                let _ = r.region(g);
            }
        }
        Err(msg) => assert!(!msg.contains('\n'), "multi-line error: {msg}"),
    }
});
