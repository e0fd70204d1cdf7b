using Reev.Cluster.Silo;

// reev-silo [--silo-id <id>] [--provider memory|postgres] [--postgres <connection string>] [--port <n>]
//           [--listen-address <ip>] [--partitions <n>] [--log-format text|json]
// Configuration: appsettings.json < environment (REEV__SILO__PORT, REEV__POSTGRES__CONNECTIONSTRING, ...) < command line.
return await SiloProgram.RunAsync(args, Console.Error).ConfigureAwait(false);
