//! Behaviour of `threading::logging`: the `%`-style formatter as a function (widths,
//! alignment, levels, times, thread names from several threads, bad formats), and whole
//! programs run as child processes whose stderr is checked line by line.

use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};
use threading::Thread;
use threading::logging::{self, BASIC_FORMAT, Formatter, Level, LogRecord};

fn format(fmt: &str, record: &LogRecord) -> String {
    Formatter::new(fmt, None).unwrap().format(record)
}

fn record(level: Level, message: &str) -> LogRecord {
    LogRecord::new("root", level, message)
}

#[test]
fn the_default_format_is_pythons() {
    assert_eq!(BASIC_FORMAT, "%(levelname)s:%(name)s:%(message)s");
    assert_eq!(format(BASIC_FORMAT, &record(logging::WARNING, "Watch out!")), "WARNING:root:Watch out!");
}

#[test]
fn level_names_and_numbers() {
    let expected = [
        (logging::DEBUG, "DEBUG", 10),
        (logging::INFO, "INFO", 20),
        (logging::WARNING, "WARNING", 30),
        (logging::ERROR, "ERROR", 40),
        (logging::CRITICAL, "CRITICAL", 50),
    ];
    for (level, name, number) in expected {
        assert_eq!(format("%(levelname)s=%(levelno)d", &record(level, "")), format!("{name}={number}"));
    }
    assert!(logging::DEBUG < logging::INFO && logging::ERROR < logging::CRITICAL);
}

#[test]
fn widths_align_left_and_right_and_precision_truncates() {
    let mut r = record(logging::DEBUG, "msg");
    r.thread_name = "worker".into();
    assert_eq!(format("(%(threadName)-10s)", &r), "(worker    )");
    assert_eq!(format("(%(threadName)10s)", &r), "(    worker)");
    assert_eq!(format("(%(threadName).3s)", &r), "(wor)");
    assert_eq!(format("(%(threadName)-8.3s)", &r), "(wor     )");
    r.thread_name = "a-much-longer-name".into();
    assert_eq!(format("(%(threadName)-10s)", &r), "(a-much-longer-name)", "a width never truncates");
    r.thread_name = "añø".into();
    assert_eq!(format("(%(threadName)-5s)", &r), "(añø  )", "widths count characters");
    assert_eq!(format("[%(levelname)-8s] %(message)s", &r), "[DEBUG   ] msg");
}

#[test]
fn numbers_pad_with_zeros_and_convert() {
    let mut r = record(logging::INFO, "m");
    r.created = UNIX_EPOCH + Duration::from_millis(1_700_000_000_042);
    r.lineno = 7;
    r.relative_created = 1234.9;
    assert_eq!(format("%(msecs)03d", &r), "042");
    assert_eq!(format("%(msecs)d", &r), "42");
    assert_eq!(format("%(lineno)4d|%(lineno)-4d|%(lineno)04d", &r), "   7|7   |0007");
    assert_eq!(format("%(relativeCreated)d", &r), "1234");
    assert_eq!(format("%(relativeCreated).1f", &r), "1234.9");
    assert_eq!(format("%(created)f", &r), "1700000000.042000");
    assert_eq!(format("%(message)r and %%", &r), "'m' and %");
}

#[test]
fn process_and_thread_fields() {
    let r = record(logging::INFO, "m");
    assert_eq!(format("%(process)d", &r), std::process::id().to_string());
    assert_eq!(format("%(thread)d", &r), threading::get_ident().to_string());
    assert_eq!(format("%(processName)s %(taskName)s", &r), "MainProcess None");
}

#[test]
fn file_fields_derive_from_the_path() {
    let mut r = record(logging::INFO, "m");
    r.pathname = "src/bin/worker.rs".into();
    r.lineno = 12;
    r.func_name = "run".into();
    assert_eq!(
        format("%(pathname)s %(filename)s %(module)s %(lineno)d %(funcName)s", &r),
        "src/bin/worker.rs worker.rs worker 12 run"
    );
}

#[test]
fn asctime_defaults_to_python_layout_and_follows_datefmt() {
    let mut r = record(logging::INFO, "m");
    r.created = UNIX_EPOCH + Duration::from_millis(1_700_000_000_123);
    let default = format("%(asctime)s", &r);
    let (date_time, millis) = default.split_once(',').unwrap();
    assert_eq!(millis, "123");
    let with_datefmt = |datefmt: &str| Formatter::new("%(asctime)s", Some(datefmt)).unwrap().format(&r);
    assert_eq!(date_time, with_datefmt("%Y-%m-%d %H:%M:%S"), "default = %Y-%m-%d %H:%M:%S,msecs");
    assert_eq!(with_datefmt("%s"), "1700000000", "local time converts back to the same instant");
    let short = with_datefmt("%H:%M:%S");
    assert_eq!(short.len(), 8);
    assert!(date_time.ends_with(&short));
    assert_eq!(with_datefmt("%Y"), "2023");
    assert_eq!(
        Formatter::new("%(asctime)s", Some("")).unwrap().format(&r),
        default,
        "an empty datefmt is no datefmt"
    );
}

#[test]
fn bad_formats_are_refused_with_pythons_messages() {
    let message = |fmt: &str| Formatter::new(fmt, None).unwrap_err().to_string();
    assert_eq!(message("hello"), "Invalid format 'hello' for '%' style");
    assert_eq!(message("%(message"), "Invalid format '%(message' for '%' style");
    assert_eq!(message("%(message)q"), "Invalid format '%(message)q' for '%' style");
    assert_eq!(message("%(colour)s"), "Formatting field not found in record: 'colour'");
    assert!(message("%(message)d").contains("a real number is required"));
    assert!(logging::basic_config(logging::Config::new().format("%(colour)s")).is_err());
}

#[test]
fn records_carry_the_name_of_the_thread_that_made_them() {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let formatter = Arc::new(Formatter::new("(%(threadName)-10s) %(message)s", None).unwrap());
    let threads: Vec<_> = ["worker", "my_service", "daemon"]
        .into_iter()
        .map(|name| {
            let (lines, formatter) = (lines.clone(), formatter.clone());
            Thread::builder().name(name).target(move || {
                let line = formatter.format(&LogRecord::new("root", logging::DEBUG, "Starting"));
                lines.lock().unwrap().push(line);
            })
        })
        .collect();
    threads.iter().for_each(|t| t.start().unwrap());
    threads.iter().for_each(|t| t.join().unwrap());
    let mut lines = lines.lock().unwrap().clone();
    lines.sort();
    assert_eq!(lines, ["(daemon    ) Starting", "(my_service) Starting", "(worker    ) Starting"]);
}

/// The environment variable that makes a test of this binary run its child half.
const CHILD: &str = "THREADING_LOGGING_TEST_CHILD";

/// Runs this test binary again with only `test` selected; returns its (stdout, stderr).
fn run_child(test: &str) -> (String, String) {
    let output = Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, test)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "child failed:\n{stdout}\n{stderr}");
    (stdout, stderr)
}

fn is_child(test: &str) -> bool {
    std::env::var(CHILD).is_ok_and(|v| v == test)
}

fn sorted_lines(text: &str) -> Vec<&str> {
    let mut lines: Vec<_> = text.lines().collect();
    lines.sort();
    lines
}

fn worker() {
    logging::debug!("Starting");
    threading::sleep(Duration::from_millis(5));
    logging::debug!("Exiting");
}

#[test]
fn seed_004_thread_names_in_the_log() {
    const TEST: &str = "seed_004_thread_names_in_the_log";
    if is_child(TEST) {
        logging::basic_config(
            logging::Config::new()
                .level(logging::DEBUG)
                .format("[%(levelname)s] (%(threadName)-10s) %(message)s"),
        )
        .unwrap();
        let t = Thread::builder().name("my_service").target(worker);
        let w = Thread::builder().name("worker").target(worker);
        let w2 = Thread::new(worker);
        let name = w2.name();
        for thread in [&w, &w2, &t] {
            thread.start().unwrap();
        }
        for thread in [&w, &w2, &t] {
            thread.join().unwrap();
        }
        eprintln!("default name: {name}");
        return;
    }
    let (_, stderr) = run_child(TEST);
    let name = stderr.lines().find_map(|l| l.strip_prefix("default name: ")).unwrap();
    let padded = format!("{name:<10}");
    let mut expected = vec![
        "[DEBUG] (worker    ) Starting".to_owned(),
        "[DEBUG] (worker    ) Exiting".to_owned(),
        "[DEBUG] (my_service) Starting".to_owned(),
        "[DEBUG] (my_service) Exiting".to_owned(),
        format!("[DEBUG] ({padded}) Starting"),
        format!("[DEBUG] ({padded}) Exiting"),
        format!("default name: {name}"),
    ];
    expected.sort();
    assert_eq!(sorted_lines(&stderr), expected);
}

#[test]
fn logging_before_basic_config_uses_pythons_defaults() {
    const TEST: &str = "logging_before_basic_config_uses_pythons_defaults";
    if is_child(TEST) {
        logging::info!("not shown: the default level is WARNING");
        logging::warning!("Watch out!");
        logging::error!(target: "app.db", "connection lost");
        // The defaults are now in place; a later basic_config is ignored, as in Python.
        logging::basic_config(logging::Config::new().level(logging::DEBUG).format("%(message)s")).unwrap();
        logging::debug!("not shown either");
        return;
    }
    let (_, stderr) = run_child(TEST);
    assert_eq!(stderr, "WARNING:root:Watch out!\nERROR:app.db:connection lost\n");
}

#[test]
fn force_replaces_the_configuration() {
    const TEST: &str = "force_replaces_the_configuration";
    if is_child(TEST) {
        logging::basic_config(logging::Config::new().format("first %(message)s")).unwrap();
        logging::warning!("one");
        logging::basic_config(logging::Config::new().format("second %(message)s")).unwrap();
        logging::warning!("two");
        logging::basic_config(logging::Config::new().format("third %(message)s").force(true)).unwrap();
        logging::warning!("three");
        return;
    }
    let (_, stderr) = run_child(TEST);
    assert_eq!(stderr, "first one\nfirst two\nthird three\n");
}

#[test]
fn critical_is_its_own_level() {
    const TEST: &str = "critical_is_its_own_level";
    if is_child(TEST) {
        logging::basic_config(logging::Config::new().level(logging::CRITICAL)).unwrap();
        logging::error!("hidden: below CRITICAL");
        log::error!("hidden too");
        logging::critical!("the pool is broken");
        logging::basic_config(logging::Config::new().level(logging::DEBUG).force(true)).unwrap();
        logging::critical!("again");
        logging::error!("an error");
        return;
    }
    let (_, stderr) = run_child(TEST);
    assert_eq!(stderr, "CRITICAL:root:the pool is broken\nCRITICAL:root:again\nERROR:root:an error\n");
}

#[test]
fn records_from_the_log_crate_come_out_too() {
    const TEST: &str = "records_from_the_log_crate_come_out_too";
    if is_child(TEST) {
        logging::basic_config(
            logging::Config::new()
                .level(logging::NOTSET)
                .format("%(levelname)s:%(name)s:%(funcName)s:%(message)s"),
        )
        .unwrap();
        log::info!("from log");
        log::trace!("very fine");
        return;
    }
    let (_, stderr) = run_child(TEST);
    assert_eq!(
        stderr,
        "INFO:logging:(unknown function):from log\nTRACE:logging:(unknown function):very fine\n"
    );
}

fn named_function() {
    logging::info!("in a function");
    let closure = || logging::info!("in a closure");
    closure();
}

#[test]
fn func_name_file_and_line_name_the_call_site() {
    const TEST: &str = "func_name_file_and_line_name_the_call_site";
    if is_child(TEST) {
        logging::basic_config(
            logging::Config::new()
                .level(logging::INFO)
                .format("%(funcName)s %(filename)s:%(lineno)d %(message)s"),
        )
        .unwrap();
        named_function();
        return;
    }
    let (_, stderr) = run_child(TEST);
    let lines: Vec<_> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].starts_with("named_function logging.rs:") && lines[0].ends_with(" in a function"),
        "{stderr}"
    );
    assert!(
        lines[1].starts_with("named_function logging.rs:") && lines[1].ends_with(" in a closure"),
        "{stderr}"
    );
    let line_of = |l: &str| l.split([':', ' ']).nth(2).unwrap().parse::<u32>().unwrap();
    assert_eq!(line_of(lines[1]), line_of(lines[0]) + 1);
}

#[test]
fn the_stream_can_be_stdout() {
    const TEST: &str = "the_stream_can_be_stdout";
    if is_child(TEST) {
        logging::basic_config(
            logging::Config::new().stream(logging::Stream::Stdout).format("OUT %(message)s"),
        )
        .unwrap();
        logging::warning!("to stdout");
        return;
    }
    let (stdout, stderr) = run_child(TEST);
    assert!(stdout.contains("OUT to stdout\n"), "{stdout}");
    assert!(!stderr.contains("to stdout"), "{stderr}");
}

#[test]
fn seed_002_executor_workers_log_with_asctime() {
    const TEST: &str = "seed_002_executor_workers_log_with_asctime";
    if is_child(TEST) {
        let format = "%(asctime)s: %(threadName)s: %(message)s";
        logging::basic_config(logging::Config::new().format(format).level(logging::INFO).datefmt("%H:%M:%S"))
            .unwrap();
        let executor = threading::futures::ThreadPoolExecutor::builder().max_workers(3).build().unwrap();
        let _ = executor
            .map(
                |name: i32| {
                    logging::info!("Thread {name}: starting");
                    logging::info!("Thread {name}: ending");
                },
                0..3,
            )
            .unwrap();
        return;
    }
    let (_, stderr) = run_child(TEST);
    let lines: Vec<_> = stderr.lines().collect();
    assert_eq!(lines.len(), 6, "{stderr}");
    for line in &lines {
        let (time, rest) = line.split_once(": ").unwrap();
        assert!(time.len() == 8 && time.chars().filter(|c| *c == ':').count() == 2, "{line}");
        assert!(rest.starts_with("ThreadPoolExecutor-") && rest.contains("_"), "{line}");
    }
    for n in 0..3 {
        assert!(lines.iter().any(|l| l.ends_with(&format!("Thread {n}: starting"))), "{stderr}");
        assert!(lines.iter().any(|l| l.ends_with(&format!("Thread {n}: ending"))), "{stderr}");
    }
}
