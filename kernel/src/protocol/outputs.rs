//! The JSON contents of the messages that carry what a cell shows and how it ended: iopub's
//! `stream`, `display_data`, `execute_result`, `clear_output` and `error`, the reply's `page`
//! payload and `user_expressions`, stdin's `input_request`. The evaluation layer hands over typed
//! values; only this module knows the wire's field names.

use crate::evaluation::UserExpression;
use crate::evaluation::diagnostics::CellError;
use serde_json::{Map, Value, json};

/// `stream` on `name` (`stdout`, `stderr`).
pub fn stream(name: &str, text: &str) -> Value {
    json!({ "name": name, "text": text })
}

/// A MIME bundle's value: JSON types carry JSON (when it parses), every other type a string.
pub fn mime_value(mime: &str, data: String) -> Value {
    if mime.contains("json") {
        serde_json::from_str::<Value>(&data).unwrap_or(Value::String(data))
    } else {
        Value::String(data)
    }
}

/// `display_data` of one MIME bundle, given as (MIME type, data) pairs.
pub fn display_data(bundle: Vec<(String, String)>) -> Value {
    let data: Map<String, Value> =
        bundle.into_iter().map(|(mime, data)| (mime.clone(), mime_value(&mime, data))).collect();
    json!({ "data": data, "metadata": {}, "transient": {} })
}

/// `execute_result` numbered `count`, of one MIME type (as text, whatever the type).
pub fn execute_result(count: usize, mime: &str, data: &str) -> Value {
    json!({
        "execution_count": count,
        "data": { mime: data },
        "metadata": {},
        "transient": {},
    })
}

/// `clear_output`.
pub fn clear_output(wait: bool) -> Value {
    json!({ "wait": wait })
}

/// `error` (iopub), also the body of an error reply.
pub fn error(error: &CellError) -> Value {
    super::error_content(&error.ename, &error.evalue, &error.traceback)
}

/// The `page` payload of an execute reply (IPython's pager).
pub fn page(plain: &str, html: &str) -> Value {
    json!({
        "source": "page",
        "data": { "text/plain": plain, "text/html": html },
        "start": 0,
    })
}

/// One entry of an execute reply's `user_expressions`, as ipykernel writes them.
pub fn user_expression(result: &UserExpression) -> Value {
    match result {
        UserExpression::Value(text) => json!({
            "status": "ok",
            "data": { "text/plain": text },
            "metadata": {},
        }),
        UserExpression::Error(error) => json!({
            "status": "error",
            "ename": error.ename,
            "evalue": error.evalue,
            "traceback": error.traceback,
        }),
    }
}

/// `input_request` (stdin channel).
pub fn input_request(prompt: &str, password: bool) -> Value {
    json!({ "prompt": prompt, "password": password })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_mime_types_carry_json() {
        assert_eq!(mime_value("application/json", "{\"a\": 1}".into()), json!({ "a": 1 }));
        assert_eq!(mime_value("application/json", "not json".into()), json!("not json"));
        assert_eq!(mime_value("text/html", "<b>x</b>".into()), json!("<b>x</b>"));
        let shown = display_data(vec![("text/plain".into(), "x".into())]);
        assert_eq!(shown["data"]["text/plain"], "x");
        assert_eq!(shown["transient"], json!({}));
    }

    #[test]
    fn user_expressions_as_ipykernel_writes_them() {
        let ok = user_expression(&UserExpression::Value("42".into()));
        assert_eq!(ok, json!({ "status": "ok", "data": { "text/plain": "42" }, "metadata": {} }));
        let error = user_expression(&UserExpression::Error(CellError::new("NameError", "nope", &[])));
        assert_eq!(error["status"], "error");
        assert_eq!(error["ename"], "NameError");
    }
}
