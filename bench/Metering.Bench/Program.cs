using Metering.Bench;

// Ingest throughput, install reserves (one hot account and many cold ones, against plain SQL) and
// invoice query benchmarks against a throwaway PostgreSQL and an in-process silo. Prints figures
// and, with --out, writes them as markdown. Exit code 0 whatever the speed; 2 for bad arguments,
// 1 for an error, 3 when an invoice did not match what was sent.
return await BenchRunner.RunAsync(args);
