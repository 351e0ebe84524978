// Placeholder written by the lead so the workspace manifest parses while the grader bench is being
// written; the grader owner replaces this file.
fn main() {}
