project = "bench"

app "logger" {
  build {
    use "archive" {
      command = ""
    }
  }

  deploy {
    use "process" {
      command = "node server.js"
      count   = 1
      health {
        path          = "/"
        interval      = "1s"
        timeout       = "2s"
        start_timeout = "120s"
      }
    }
  }
}
