# JupyterLab for learners, on the Jupyter project's own image: Rust, the threadlab kernel
# installed for the notebook user, and its bundle prebuilt (`threadlab-kernel prebuild`), so a
# JupyterHub course starts a kernel without a first compile. Build from the repository's root:
#
#   docker build -f classroom/containers/lab.Dockerfile -t threadlab-lab .
#   docker run --rm -p 8888:8888 threadlab-lab
#
# For JupyterHub (Zero to JupyterHub): singleuser.image.name: threadlab-lab.
FROM quay.io/jupyter/minimal-notebook:python-3.12
SHELL ["/bin/bash", "-o", "pipefail", "-c"]

USER 0
# The base image moves with its tag; pinning apt versions on it would break, not protect.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential curl ca-certificates pkg-config \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /opt/threadlab && chown "${NB_UID}:${NB_GID}" /opt/threadlab

# NB_UID is the base image's numeric user id (1000).
# hadolint ignore=DL3066
USER ${NB_UID}
ENV RUSTUP_HOME=/home/${NB_USER}/.rustup \
    CARGO_HOME=/home/${NB_USER}/.cargo \
    THREADLAB_CACHE=/home/${NB_USER}/.cache/threadlab \
    CARGO_TARGET_DIR=/home/${NB_USER}/.cache/threadlab/target
ENV PATH=${CARGO_HOME}/bin:${PATH}
RUN curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs \
    | sh -s -- -y --profile minimal --default-toolchain 1.95 --no-modify-path

COPY --chown=${NB_UID}:${NB_GID} . /opt/threadlab
WORKDIR /opt/threadlab
# The kernel and the grader (for `threadlab-grader check` in a terminal), one build.
RUN cargo build --release --locked -p threadlab-kernel -p threadlab-grader \
 && install -D "$CARGO_TARGET_DIR/release/threadlab-kernel" "$CARGO_HOME/bin/threadlab-kernel" \
 && install -D "$CARGO_TARGET_DIR/release/threadlab-grader" "$CARGO_HOME/bin/threadlab-grader" \
 && threadlab-kernel install --user \
 && threadlab-kernel prebuild \
 && cp -r notebooks "/home/${NB_USER}/threadlab-notebooks"

WORKDIR /home/${NB_USER}
