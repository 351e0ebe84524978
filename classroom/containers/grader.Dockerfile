# threadlab-grader in a container, for grading a class on a cluster (see
# classroom/kubernetes/grade-class.yaml). Build from the repository's root:
#
#   docker build -f classroom/containers/grader.Dockerfile -t threadlab-grader .
#   docker run --rm -v "$PWD/class:/class" threadlab-grader batch -e foobar /class/submissions --out /class/book.csv
#
# The grader compiles every submission with rustc against a runtime it builds once from the
# workspace, so the image keeps the Rust toolchain and the sources, and builds that runtime
# at image build time (as the user that grades, into its cache).
FROM rust:1.95-slim-bookworm
SHELL ["/bin/bash", "-o", "pipefail", "-c"]

RUN useradd --create-home --uid 10001 grader \
 && mkdir -p /opt/threadlab /class \
 && chown grader:grader /opt/threadlab /class

USER 10001
WORKDIR /opt/threadlab
COPY --chown=grader:grader . /opt/threadlab
ENV THREADLAB_WORKSPACE=/opt/threadlab \
    THREADLAB_CACHE=/home/grader/.cache/threadlab \
    CARGO_TARGET_DIR=/home/grader/.cache/threadlab/target
RUN cargo build --release --locked -p threadlab-grader \
 && install -D "$CARGO_TARGET_DIR/release/threadlab-grader" /home/grader/bin/threadlab-grader \
 && for f in notebooks/solutions/*.rs; do \
      id="$(basename "$f" .rs)"; \
      /home/grader/bin/threadlab-grader check -e "$(echo "$id" | tr _ -)" "$f" --repeat 1 > /dev/null; \
    done
ENV PATH=/home/grader/bin:$PATH

# The sandbox, as a non-root user: the seccomp filter (allowed by Docker's default seccomp
# profile: a process may install a stricter filter on itself), the resource limits and the
# output cap all hold. The network namespace needs CAP_SYS_ADMIN and the per-slot user switch
# needs root, so they are skipped here (each report's sandbox note says so); the pod gives no
# network to the child anyway when the Job runs with a deny-all NetworkPolicy.
WORKDIR /class
ENTRYPOINT ["threadlab-grader"]
CMD ["--help"]
