using Metering.Bench;

// Ingest throughput, install reserves (one hot account and many cold ones, against plain SQL) and
// invoice query benchmarks against a throwaway PostgreSQL and an in-process silo; the relay
// lifecycle over HTTP through real silo and client-api processes against plain SQL (pgbench); the
// memory of account grains; and the admin dashboard's views in headless Chromium against real
// processes holding many accounts. Prints figures and, with --out, writes them as markdown. Exit
// code 0 whatever the speed; 2 for bad arguments, 1 for an error (in the http scenario: a process
// that did not start or exited, a setup request refused, a request with no HTTP answer, pgbench
// failing; non-2xx answers under load are counted and reported, not an error; in the dashboard
// scenario also no Chromium, or a view that did not show its accounts within its bound), 3 when an
// invoice did not match what was sent, 130 when stopped by Ctrl-C or SIGTERM.
return await BenchRunner.RunAsync(args);
