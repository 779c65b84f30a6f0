{
  "targets": [
    {
      "target_name": "graceinit_native",
      "sources": ["src/native/graceinit_native.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"]
    }
  ]
}
