Console.WriteLine("Reev.Cluster silo: host wiring arrives with the executions issue.");
return 0;
