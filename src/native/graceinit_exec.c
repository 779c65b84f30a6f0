/*
 * graceinit-exec: the step between fork and exec that Node cannot run, for a child on a terminal.
 *
 *   graceinit-exec <report-fd> <file> [args...]
 *
 * graceinit spawns this (in its own session and process group, not detached) when its stdin is a
 * terminal. It puts itself in a process group of its own, makes that group the terminal's foreground
 * group, and execs <file> with execvp: the command keeps this pid, leads its own group, owns the
 * terminal (Ctrl-C, Ctrl-Z, SIGWINCH reach it from the kernel) and graceinit stays in the background.
 *
 * If stdin is a terminal but not the controlling terminal of graceinit's session (e.g. graceinit was
 * started with setsid and a tty on stdin), it gives the command a new session that takes the terminal
 * (setsid + TIOCSCTTY) instead.
 *
 * Nothing is printed: each problem is reported to graceinit as one line "<step> <errno>" on
 * <report-fd>, which is close-on-exec, so a successful exec closes it with nothing written and
 * graceinit logs everything in its own format. A failed exec exits 127 (not found) or 126 (found but
 * not executable), as a shell does. Steps: setpgid, tcsetpgrp, setsid, tiocsctty, background (graceinit
 * was not in the foreground: the terminal is left alone), exec.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static int report_fd = -1;

static void report(const char *step, int err) {
  char line[48];
  int n = snprintf(line, sizeof line, "%s %d\n", step, err);
  if (report_fd < 0 || write(report_fd, line, (size_t)n) != n) {
    fprintf(stderr, "graceinit-exec: %s: %s\n", step, strerror(err));
  }
}

/* This process leads a new group; the group becomes the terminal's foreground group. */
static void take_foreground(pid_t foreground) {
  /* Whatever else is in graceinit's group is not foreground either: compare groups before leaving. */
  int was_foreground = foreground == getpgrp();
  if (setpgid(0, 0) != 0) {
    report("setpgid", errno);
    return;
  }
  if (!was_foreground) {
    /* Started as a background job: taking the terminal would steal it from the shell that owns it. */
    report("background", 0);
    return;
  }
  /* A new group is a background group until tcsetpgrp returns, and tcsetpgrp from the background
   * raises SIGTTOU (which would stop us) unless it is blocked. */
  sigset_t ttou, saved;
  sigemptyset(&ttou);
  sigaddset(&ttou, SIGTTOU);
  sigprocmask(SIG_BLOCK, &ttou, &saved);
  if (tcsetpgrp(STDIN_FILENO, getpgrp()) != 0) report("tcsetpgrp", errno);
  sigprocmask(SIG_SETMASK, &saved, NULL);
}

/* A new session (so a new group) whose controlling terminal is stdin's. */
static void take_terminal_in_new_session(void) {
  if (setsid() < 0) {
    report("setsid", errno);
    return;
  }
  if (ioctl(STDIN_FILENO, TIOCSCTTY, 0) != 0) report("tiocsctty", errno);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "graceinit-exec: usage: graceinit-exec <report-fd> <file> [args...] (run by graceinit)\n");
    return 2;
  }
  char *end;
  long fd = strtol(argv[1], &end, 10);
  if (*end == '\0' && fd > 2 && fcntl((int)fd, F_SETFD, FD_CLOEXEC) == 0) report_fd = (int)fd;

  if (isatty(STDIN_FILENO)) {
    /* tcgetpgrp fails (ENOTTY) when stdin is not the controlling terminal of our session. */
    pid_t foreground = tcgetpgrp(STDIN_FILENO);
    if (foreground >= 0) take_foreground(foreground);
    else take_terminal_in_new_session();
  } else if (setpgid(0, 0) != 0) {
    report("setpgid", errno);
  }

  execvp(argv[2], argv + 2);
  int err = errno;
  report("exec", err);
  return err == ENOENT ? 127 : 126;
}
