/*
 * graceinit's native part: the few syscalls Node does not expose.
 *
 * Syscalls only, no policy: which pids count as "ours" is decided in TypeScript (src/reaper.ts).
 *
 *   setChildSubreaper()      prctl(PR_SET_CHILD_SUBREAPER, 1): orphans of our descendants are
 *                            re-parented to us when we are not PID 1.
 *   isChildSubreaper()       prctl(PR_GET_CHILD_SUBREAPER).
 *   reapOrphans(ours)        waitpid(pid, WNOHANG) for every child of this process that is not in
 *                            `ours` (an Int32Array). Returns the number of processes reaped.
 *   blockSignalInThread(n)   pthread_sigmask(SIG_BLOCK, {n}) in the calling (main) thread only: the
 *                            kernel then treats n as ignored for this thread's own terminal writes,
 *                            while Node's other threads still take n when it is sent to the process.
 *
 * Why not waitpid(-1): libuv reaps the processes Node spawned with waitpid(pid) and only learns their
 * exit status that way. A waitpid(-1) here would steal that status (the 'exit' event never fires).
 * Why not waitid(P_ALL, WNOWAIT): it shows one zombie at a time; when that one is ours, the orphans
 * behind it stay hidden until libuv gets round to it. So we list our children from
 * /proc/self/task/<tid>/children (every thread: an orphan is re-parented to whichever thread of the
 * reaper the kernel picks) and wait for each pid that is not ours by its own pid.
 */
#define _GNU_SOURCE
#include <node_api.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHECK(call)                                                      \
  do {                                                                   \
    if ((call) != napi_ok) {                                             \
      napi_throw_error(env, NULL, "graceinit_native: N-API call failed"); \
      return NULL;                                                       \
    }                                                                    \
  } while (0)

static napi_value throw_errno(napi_env env, const char *what) {
  char msg[160];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(errno));
  napi_throw_error(env, NULL, msg);
  return NULL;
}

static napi_value SetChildSubreaper(napi_env env, napi_callback_info info) {
  (void)info;
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) return throw_errno(env, "prctl(PR_SET_CHILD_SUBREAPER)");
  napi_value result;
  CHECK(napi_get_boolean(env, true, &result));
  return result;
}

static napi_value IsChildSubreaper(napi_env env, napi_callback_info info) {
  (void)info;
  int value = 0;
  if (prctl(PR_GET_CHILD_SUBREAPER, &value, 0, 0, 0) != 0) return throw_errno(env, "prctl(PR_GET_CHILD_SUBREAPER)");
  napi_value result;
  CHECK(napi_get_boolean(env, value != 0, &result));
  return result;
}

static int is_ours(pid_t pid, const int32_t *ours, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (ours[i] == pid) return 1;
  return 0;
}

/* Reaps `pid` unless it is ours; returns 1 when a process was reaped. */
static int reap_one(pid_t pid, const int32_t *ours, size_t n) {
  if (pid <= 0 || is_ours(pid, ours, n)) return 0;
  int status;
  pid_t r;
  do {
    r = waitpid(pid, &status, WNOHANG);
  } while (r < 0 && errno == EINTR);
  return r == pid;
}

/* Reads a whole small /proc file into a growing buffer. Returns NULL when it cannot be opened. */
static char *read_all(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NULL;
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap + 1);
  if (!buf) {
    close(fd);
    return NULL;
  }
  for (;;) {
    if (len == cap) {
      char *bigger = realloc(buf, cap * 2 + 1);
      if (!bigger) break;
      buf = bigger;
      cap *= 2;
    }
    ssize_t got = read(fd, buf + len, cap - len);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    len += (size_t)got;
  }
  close(fd);
  buf[len] = '\0';
  return buf;
}

/* Fast path: the kernel's own list of our children, thread by thread (CONFIG_PROC_CHILDREN). */
static int reap_from_task_children(const int32_t *ours, size_t n, int *reaped) {
  DIR *tasks = opendir("/proc/self/task");
  if (!tasks) return -1;
  struct dirent *entry;
  int seen_any_file = 0;
  while ((entry = readdir(tasks)) != NULL) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    char path[300];
    snprintf(path, sizeof path, "/proc/self/task/%s/children", entry->d_name);
    char *list = read_all(path);
    if (!list) continue;
    seen_any_file = 1;
    char *cursor = list;
    while (*cursor) {
      char *end;
      long pid = strtol(cursor, &end, 10);
      if (end == cursor) break;
      *reaped += reap_one((pid_t)pid, ours, n);
      cursor = end;
    }
    free(list);
  }
  closedir(tasks);
  return seen_any_file ? 0 : -1;
}

/* Slow path for kernels without CONFIG_PROC_CHILDREN: every /proc/<pid>/stat whose ppid is us. */
static void reap_from_proc_scan(const int32_t *ours, size_t n, int *reaped) {
  DIR *proc = opendir("/proc");
  if (!proc) return;
  pid_t self = getpid();
  struct dirent *entry;
  while ((entry = readdir(proc)) != NULL) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    char path[300];
    snprintf(path, sizeof path, "/proc/%s/stat", entry->d_name);
    char *stat = read_all(path);
    if (!stat) continue;
    /* The command name may hold spaces and parentheses: fields resume after the last ')'. */
    char *close_paren = strrchr(stat, ')');
    char state;
    int ppid;
    if (close_paren && sscanf(close_paren + 1, " %c %d", &state, &ppid) == 2 && ppid == self)
      *reaped += reap_one((pid_t)atol(entry->d_name), ours, n);
    free(stat);
  }
  closedir(proc);
}

static napi_value ReapOrphans(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  const int32_t *ours = NULL;
  size_t n = 0;
  if (argc >= 1) {
    bool is_typed = false;
    CHECK(napi_is_typedarray(env, argv[0], &is_typed));
    if (!is_typed) {
      napi_throw_type_error(env, NULL, "reapOrphans(ours): ours must be an Int32Array");
      return NULL;
    }
    napi_typedarray_type type;
    void *data;
    CHECK(napi_get_typedarray_info(env, argv[0], &type, &n, &data, NULL, NULL));
    if (type != napi_int32_array) {
      napi_throw_type_error(env, NULL, "reapOrphans(ours): ours must be an Int32Array");
      return NULL;
    }
    ours = data;
  }
  int reaped = 0;
  if (reap_from_task_children(ours, n, &reaped) != 0) reap_from_proc_scan(ours, n, &reaped);
  napi_value result;
  CHECK(napi_create_int32(env, reaped, &result));
  return result;
}

static napi_value BlockSignalInThread(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t signo = 0;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || napi_get_value_int32(env, argv[0], &signo) != napi_ok || signo < 1 || signo > 64) {
    napi_throw_type_error(env, NULL, "blockSignalInThread(signal): signal must be a number from 1 to 64");
    return NULL;
  }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, signo);
  int err = pthread_sigmask(SIG_BLOCK, &set, NULL);
  if (err != 0) {
    errno = err;
    return throw_errno(env, "pthread_sigmask");
  }
  napi_value result;
  CHECK(napi_get_boolean(env, true, &result));
  return result;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"setChildSubreaper", NULL, SetChildSubreaper, NULL, NULL, NULL, napi_enumerable, NULL},
      {"isChildSubreaper", NULL, IsChildSubreaper, NULL, NULL, NULL, napi_enumerable, NULL},
      {"reapOrphans", NULL, ReapOrphans, NULL, NULL, NULL, napi_enumerable, NULL},
      {"blockSignalInThread", NULL, BlockSignalInThread, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  CHECK(napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
