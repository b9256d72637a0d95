using System.CommandLine;
using DhtRpc.Cli;
using DhtRpc.Cli.Simulate;
using DhtRpc.Transport;

// A dht process mostly moves datagrams: answer them on the I/O thread, without a thread-pool hop.
UdpTransport.UseInlineSocketCompletions();

var root = new RootCommand("dht: a dht-rpc compatible Kademlia DHT node, content storage, warehouses and tools.");
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(BootstrapCommand.Create());
root.Subcommands.Add(NodeCommand.Create());
root.Subcommands.Add(NetworkCommand.Create());
root.Subcommands.Add(SimulateCommand.Create());
root.Subcommands.Add(PutJsonCommand.Create());
root.Subcommands.Add(GetJsonCommand.Create());
root.Subcommands.Add(PutCommand.Create());
root.Subcommands.Add(GetCommand.Create());
root.Subcommands.Add(WarehouseCommand.Create());
root.Subcommands.Add(IdentityCommand.Create());
root.Subcommands.Add(PingCommand.Create());
root.Subcommands.Add(LookupCommand.Create());
root.Subcommands.Add(RoutingCommand.Create());
root.Subcommands.Add(StatsCommand.Create());

var parsed = root.Parse(args);
// --json is an output flag of the verbs that have it: failures then come as a JSON line too.
CliFailure.Json = args.Contains("--json");
if (parsed.Errors.Count > 0)
{
    // A mistake in how the command was called: say what, point to --help, exit 2.
    foreach (var error in parsed.Errors)
    {
        await Console.Error.WriteLineAsync(UsageErrors.Plain(error.Message)).ConfigureAwait(false);
    }

    await Console.Error.WriteLineAsync("Run `dht --help` (or `dht <verb> --help`) for usage.").ConfigureAwait(false);
    if (CliFailure.Json)
    {
        JsonLine.Print(w => CliFailure.WriteError(w, CliFailure.Usage, UsageErrors.Plain(parsed.Errors[0].Message)));
    }

    return CliRunner.Usage;
}

// Signals are the verbs' business (CliRunner): each stop runs the verb's own shutdown, then exits 0.
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }).ConfigureAwait(false);
