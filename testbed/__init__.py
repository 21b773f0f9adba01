"""The test bed: the sandbox Asterisk (a Debian chroot), SIPp phones and the `make run`
demo. Used by the tests, the benchmarks and the `acd sandbox` and `acd run --demo`
commands; never by the server itself, and not in the production image."""
