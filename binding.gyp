{
  "targets": [
    {
      "target_name": "graceinit_native",
      "sources": ["src/native/graceinit_native.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"]
    },
    {
      "target_name": "graceinit-exec",
      "type": "executable",
      "sources": ["src/native/graceinit_exec.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"]
    }
  ]
}
