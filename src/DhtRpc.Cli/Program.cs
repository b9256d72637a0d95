using System.CommandLine;
using DhtRpc.Cli;

var root = new RootCommand("dht: a dht-rpc compatible Kademlia DHT node and tools.");
root.Subcommands.Add(BootstrapCommand.Create());
root.Subcommands.Add(NetworkCommand.Create());
root.Subcommands.Add(SimulateCommand.Create());
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
