project = "examples"

app "hello-node" {
  labels = { lang = "node" }

  build {
    use "archive" {
      # No dependencies: nothing to install. A real app would say "npm ci --omit=dev".
      command = ""
    }
  }

  deploy {
    use "process" {
      command = "node server.js"
      count   = 2
      health {
        path          = "/healthz"
        interval      = "1s"
        timeout       = "2s"
        start_timeout = "30s"
      }
    }
  }

  config {
    env = {
      GREETING = "hello from berth"
    }
  }
}
