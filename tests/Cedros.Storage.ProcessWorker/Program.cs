// A child process for cross-process race and crash tests: opens a real SQLite file or PostgreSQL database and
// performs one contract operation per line of work, printing one result line each. Filled in by the backend work.
Console.Error.WriteLine("usage: Cedros.Storage.ProcessWorker <backend> <connection> <command> [args]");
return 2;
