/* sockscope-fuzz-session.h: what the session-layer fuzz targets and their regression test run on
 * one input. They abort() (GLib criticals and warnings too, once ss_fuzz_session_init() ran) when
 * something breaks, so a fuzzer reports it as a crash. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* The lesson parser (sockscope_lesson_new_from_data) on the bytes as a lesson file; a lesson it
 * accepts is then rendered to C for every actor and every step printed, as the app shows it. */
void ss_fuzz_lesson  (const uint8_t *data, size_t size);
/* The session reader (sockscope_event_log_load) on the bytes as a session file; the log it
 * accepts is then read as the app's Open does (every event parsed, every packet's raw bytes
 * decoded), exported to pcapng, and printed by `sockscope-cli replay` as text and as JSON. */
void ss_fuzz_session (const uint8_t *data, size_t size);
/* GLib criticals and warnings abort, stdout goes to /dev/null during a replay. */
void ss_fuzz_session_init (void);
