#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| kmsc_fuzz::canonical_roundtrip(data));
