# nbgrader configuration for a threadlab course (Rust notebooks on the threadlab kernel).
# make_course.py copies this file into the course directory it creates; edit the copy.
c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "threadlab"

# nbgrader replaces each solution region (between `// ### BEGIN SOLUTION` and
# `// ### END SOLUTION`) with the stub of the notebook's language. The stub must compile in the
# kernel: `todo!()` does, and panics when run, so an unanswered exercise shows "not yet
# implemented" and its graded cells fail (its type is missing).
c.ClearSolutions.code_stub = {
    "rust": "// YOUR CODE HERE\ntodo!()",
    "python": "# YOUR CODE HERE\nraise NotImplementedError()",
}
c.ClearSolutions.begin_solution_delimeter = "### BEGIN SOLUTION"
c.ClearSolutions.end_solution_delimeter = "### END SOLUTION"

# A graded check cell compiles the learner's type with the grader and runs it for about two
# seconds; a cold first cell of a fresh kernel compiles a little more. 60 s per cell leaves room
# on a loaded machine. A cell that outlives it (a learner's deadlock in a "Try it" cell) is
# interrupted: the threadlab kernel unwinds every blocked `threading` wait, the cell ends in a
# KeyboardInterrupt error (0 points if graded) and the cells after it still run and are graded
# on their own outputs.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True
# After an interrupt nbgrader waits this long for the cell's last output and fails the whole
# notebook if it does not come (its default, 4 s, is less than the kernel's grace period
# before it restarts a cell that blocks outside `threading`, on a busy machine).
c.Execute.iopub_timeout = 30

# The kernel every notebook names in its metadata (installed by `threadlab-kernel install`).
c.Execute.kernel_name = "threadlab"
