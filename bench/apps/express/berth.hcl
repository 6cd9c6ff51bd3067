project = "bench"

app "express" {
  build {
    use "archive" {
      # The bench vendors the locked packages from the monorepo's node_modules into vendored_modules/ (the
      # machine is offline, so `npm ci` cannot fetch them); a real app would say "npm ci --omit=dev".
      command = "rm -rf node_modules && mv vendored_modules node_modules"
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
}
