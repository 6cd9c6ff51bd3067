// The bench's Heroku-style app (after heroku/node-js-getting-started): Express with a lockfile and ~6 MB of
// node_modules, a few routes and a health check. Deployed by the deploy section next to examples/hello-node.
const express = require("express");
const { version } = require("./package.json");

const app = express();
app.use(express.json());
app.use(express.static(`${__dirname}/public`));
app.get("/", (_req, res) => res.json({ app: "express", version }));
app.get("/healthz", (_req, res) => res.send("ok"));
app.get("/times", (_req, res) => res.json(Array.from({ length: 10 }, (_, i) => i * 2)));
app.post("/echo", (req, res) => res.json(req.body));

const server = app.listen(Number(process.env.PORT || 5006), "127.0.0.1");
process.on("SIGTERM", () => server.close(() => process.exit(0)));
