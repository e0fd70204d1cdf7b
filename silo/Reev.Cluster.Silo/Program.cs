using Reev.Cluster.Silo;

// reev-silo [--silo-id <id>] [--provider memory|postgres] [--postgres <connection string>] [--port <n>]
//           [--listen-address <ip>] [--partitions <n>] [--log-format text|json]
// reev-silo --probe live|ready   (exit 0 when the running silo of this configuration answers 200: the container HEALTHCHECK)
// Configuration: appsettings.json < environment (REEV__SILO__PORT, REEV__POSTGRES__CONNECTIONSTRING, ...) < command line.
return await SiloProgram.RunAsync(args, Console.Error).ConfigureAwait(false);
