using DhtRpc.SideBySide;
using DhtRpc.Transport;

// Our measured processes run as the dht command does: socket completions on the I/O thread.
UdpTransport.UseInlineSocketCompletions();

// Modes: run (default) orchestrates everything; the others are the child processes it starts.
var mode = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "run";
var options = Args.Parse(args.Length > 0 && mode == args[0] ? args[1..] : args);
return mode switch
{
    "run" => await Orchestrator.RunAsync(options).ConfigureAwait(false),
    "echo" => UdpTools.Echo(options),
    "load" => UdpTools.Load(options),
    "ping-server" => await OurNodes.PingServerAsync(options).ConfigureAwait(false),
    "swarm" => await OurNodes.SwarmAsync(options).ConfigureAwait(false),
    "storage" => await OurNodes.StorageAsync(options).ConfigureAwait(false),
    "churn" => await ChurnBench.RunAsync(options).ConfigureAwait(false),
    "cli" => await CliBench.RunAsync(options).ConfigureAwait(false),
    "scale" => await ScaleBench.RunAsync(options).ConfigureAwait(false),
    "storage-clients" => await StorageBench.RunAsync(options).ConfigureAwait(false),
    "churn-host" => await ChurnNodes.HostAsync(options).ConfigureAwait(false),
    "churn-client" => await ChurnNodes.ClientAsync(options).ConfigureAwait(false),
    _ => Args.Usage($"unknown mode '{mode}'"),
};
