"""The community conformance suite (jupyter_kernel_test) against the real kernel, with a Rust
sample for every test it has (the pager is IPython's `?name`)."""
from __future__ import annotations

import unittest

import jupyter_kernel_test

from conftest import KERNEL_NAME

HTML_CELL = 'println!("EVCXR_BEGIN_CONTENT text/html\\n<b>bold</b>\\nEVCXR_END_CONTENT");'
HTML_VALUE = """struct Bold(&'static str);
impl Bold {
    fn evcxr_display(&self) {
        println!("EVCXR_BEGIN_CONTENT text/html\\n<b>{}</b>\\nEVCXR_END_CONTENT", self.0);
    }
}
Bold("value")"""


class ThreadlabKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = KERNEL_NAME
    language_name = "rust"
    file_extension = ".rs"

    code_hello_world = 'println!("hello, world");'
    code_stderr = 'eprintln!("a line on stderr");'

    completion_samples = [
        {"text": "std::collections::BTreeS", "matches": {"BTreeSet"}},
        {"text": "threading::Barr", "matches": {"Barrier"}},
    ]

    complete_code_samples = ["let x = 1;", "6 * 7", "fn f() -> i32 { 1 }", ":dep rand"]
    incomplete_code_samples = ["fn f() {", "let v = vec![1,", 'let s = "open']
    invalid_code_samples = ["fn f() }", "let v = [1, 2);"]

    code_generate_error = 'panic!("boom")'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"threads".len()', "result": "7"},
        {"code": HTML_VALUE, "mime": "text/html", "result": "<b>value</b>"},
    ]
    code_display_data = [{"code": HTML_CELL, "mime": "text/html"}]

    code_history_pattern = "6 *"
    supported_history_operations = ("tail", "range", "search")

    code_page_something = "?threading::Lock"

    code_inspect_sample = "threading::Thread"

    code_clear_output = "threading::agent::clear_output(false);"


if __name__ == "__main__":
    unittest.main()
